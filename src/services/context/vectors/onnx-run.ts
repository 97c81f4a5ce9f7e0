// Running an ONNX sentence-embedding model with onnxruntime-web (the
// WebAssembly build: pure JS + wasm, no native addon), inside the ONNX
// worker (onnx-worker.ts), never on the event loop. For exports in the
// sentence-transformers style: inputs input_ids / attention_mask /
// token_type_ids (int64 [batch, seq]), output `sentence_embedding`
// ([batch, dims], used as it is) or `last_hidden_state` /
// `token_embeddings` ([batch, seq, dims], mean-pooled over the attention
// mask); every vector L2-normalized.
//
// The runtime is an optional dependency, loaded from the path the service
// resolved (onnx-model.ts) with a require made for that path: it is never
// bundled into the executable, and nothing needs it unless an ONNX model is
// configured. Builtins come from process.getBuiltinModule (a worker entry of
// the executable loads nothing it does not name: lib/worker-tasks.ts).

import { normalize } from './hashed-embedding.ts';
import { encode, meanPool, readVocabulary, type Vocabulary } from './wordpiece.ts';

/** The part of onnxruntime-web's API used here (its own types are not needed to build: the package is optional). */
interface OrtTensor {
  readonly dims: readonly number[];
  readonly data: unknown;
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
}
interface Ort {
  env: { wasm: { numThreads?: number } };
  Tensor: new (type: 'int64', data: BigInt64Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array): Promise<OrtSession> };
}

export interface OnnxTask {
  /** The runtime's CommonJS entry file (onnx-model.ts resolveOnnxRuntime). */
  runtime: string;
  /** The .onnx file. */
  model: string;
  /** vocab.txt or tokenizer.json. */
  vocab: string;
  maxTokens: number;
  dims: number;
  texts: string[];
}

interface Loaded {
  ort: Ort;
  session: OrtSession;
  vocab: Vocabulary;
  output: string;
}

const OUTPUTS = ['sentence_embedding', 'last_hidden_state', 'token_embeddings'];
const loaded = new Map<string, Promise<Loaded>>();
const readFileSync = (file: string): Buffer => process.getBuiltinModule('node:fs').readFileSync(file);

async function load(task: OnnxTask): Promise<Loaded> {
  const { createRequire } = process.getBuiltinModule('node:module');
  const ort = createRequire(task.runtime)(task.runtime) as Ort;
  // One thread: this worker is the parallelism (and wasm threads would start workers of their own).
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(task.model)));
  if (!session.inputNames.includes('input_ids')) throw new Error(`${task.model}: the model has no input_ids input (inputs: ${session.inputNames.join(', ')})`);
  const output = OUTPUTS.find((name) => session.outputNames.includes(name));
  if (output === undefined) throw new Error(`${task.model}: the model has none of the outputs ${OUTPUTS.join(', ')} (outputs: ${session.outputNames.join(', ')})`);
  return { ort, session, vocab: readVocabulary(readFileSync(task.vocab).toString('utf8'), task.vocab), output };
}

const int64 = (values: readonly number[]): BigInt64Array => BigInt64Array.from(values, (v) => BigInt(v));

/** The texts' unit vectors, one after another (texts × dims). */
export async function embedOnnx(task: OnnxTask): Promise<Float32Array> {
  const key = `${task.runtime}\n${task.model}\n${task.vocab}`;
  let model = loaded.get(key);
  if (model === undefined) {
    model = load(task);
    loaded.set(key, model);
    model.catch(() => loaded.delete(key));
  }
  const { ort, session, vocab, output } = await model;
  const out = new Float32Array(task.texts.length * task.dims);
  // One text per run: no padding, so the mask is all ones and pooling needs no correction.
  for (let i = 0; i < task.texts.length; i++) {
    const encoded = encode(task.texts[i], vocab, task.maxTokens);
    const shape = [1, encoded.inputIds.length];
    const feeds: Record<string, OrtTensor> = { input_ids: new ort.Tensor('int64', int64(encoded.inputIds), shape) };
    if (session.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', int64(encoded.attentionMask), shape);
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', int64(encoded.tokenTypeIds), shape);
    const result = (await session.run(feeds))[output];
    const data = result.data;
    if (!(data instanceof Float32Array)) throw new Error(`${task.model}: output ${output} is not float32`);
    const dims = result.dims[result.dims.length - 1];
    if (dims !== task.dims) throw new Error(`${task.model}: vectors of ${dims} dimensions, expected ${task.dims} (services.context.embedder.dims)`);
    const vector = result.dims.length === 3 ? meanPool(data, result.dims[1], dims, encoded.attentionMask) : normalize(Float32Array.from(data.subarray(0, dims)));
    out.set(vector, i * dims);
  }
  return out;
}
