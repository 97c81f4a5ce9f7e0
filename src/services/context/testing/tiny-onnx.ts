// A tiny ONNX sentence-embedding model, written byte by byte (no model file
// is downloaded in tests): the ONNX protobuf (onnx/onnx.proto3, IR version 8,
// opset 13) of a graph with the inputs of a sentence-transformers export
// (input_ids, attention_mask, token_type_ids: int64 [batch, seq]) and
//   - 'last_hidden_state': Gather(table, input_ids) -> [batch, seq, dims]
//     (each token's row of a small embedding table), or
//   - 'sentence_embedding': ReduceMean over the sequence of that -> [batch, dims].
// The real runtime runs the real file; the expected vectors are computed
// from the table in the test.

/** Protobuf wire format: varints, and length-delimited fields (wire type 2). */
function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number): number[] => varint((field << 3) | wire);
const int = (field: number, n: number): number[] => [...key(field, 0), ...varint(n)];
const bytes = (field: number, b: Uint8Array | number[]): number[] => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string): number[] => bytes(field, [...Buffer.from(s, 'utf8')]);
const msg = (field: number, ...parts: number[][]): number[] => bytes(field, parts.flat());

const FLOAT = 1;
const INT64 = 7;

/** ValueInfoProto: name, tensor type with symbolic dims. */
function valueInfo(field: number, name: string, elemType: number, dims: (string | number)[]): number[] {
  const shape = dims.map((d) => msg(1, typeof d === 'string' ? str(2, d) : int(1, d)));
  return msg(field, str(1, name), msg(2, msg(1, int(1, elemType), msg(2, ...shape))));
}

export interface TinyModel {
  /** The .onnx file's bytes. */
  bytes: Uint8Array;
  /** table[token id] = that token's vector. */
  table: Float32Array[];
}

/** A model over a vocabulary of `vocab` ids, `dims` wide, with a seeded table. */
export function tinyOnnxModel(options: { vocab: number; dims: number; output: 'last_hidden_state' | 'sentence_embedding'; seed?: number }): TinyModel {
  const { vocab, dims, output } = options;
  let state = options.seed ?? 7;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const table = Array.from({ length: vocab }, () => Float32Array.from({ length: dims }, next));
  const raw = new Float32Array(vocab * dims);
  table.forEach((row, i) => raw.set(row, i * dims));
  const initializer = msg(5, int(1, vocab), int(1, dims), int(2, FLOAT), str(8, 'table'), bytes(9, [...new Uint8Array(raw.buffer)]));
  const hidden = output === 'last_hidden_state' ? 'last_hidden_state' : 'token_embeddings';
  const gather = msg(1, str(1, 'table'), str(1, 'input_ids'), str(2, hidden), str(3, 'gather'), str(4, 'Gather'), msg(5, str(1, 'axis'), int(20, 2), int(3, 0)));
  // ReduceMean in opset 13 takes its axes as an attribute (ints, field 8, type INTS = 7).
  const mean = output === 'sentence_embedding'
    ? [msg(1, str(1, hidden), str(2, 'sentence_embedding'), str(3, 'mean'), str(4, 'ReduceMean'), msg(5, str(1, 'axes'), int(20, 7), int(8, 1)), msg(5, str(1, 'keepdims'), int(20, 2), int(3, 0)))]
    : [];
  const inputs = ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => valueInfo(11, name, INT64, ['batch', 'seq']));
  const out = valueInfo(12, output, FLOAT, output === 'last_hidden_state' ? ['batch', 'seq', dims] : ['batch', dims]);
  const graph = msg(7, gather, ...mean, str(2, 'tiny'), initializer, ...inputs, out);
  const model = [...int(1, 8), ...str(2, 'octant-test'), ...graph, ...msg(8, str(1, ''), int(2, 13))];
  return { bytes: Uint8Array.from(model), table };
}
