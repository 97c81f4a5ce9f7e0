// An ONNX model run by the real onnxruntime-web in the ONNX worker: a tiny
// sentence-embedding model written byte by byte (testing/tiny-onnx.ts: the
// inputs and outputs of a sentence-transformers export), so the runtime runs
// a real model file offline; the expected vectors come from its table.
// And the refusals, each naming the missing step.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyOnnxModel } from '../testing/tiny-onnx.ts';
import { normalize } from './hashed-embedding.ts';
import { onnxModelEmbedder, resolveOnnxRuntime } from './onnx-model.ts';
import { encode, meanPool, readVocabulary } from './wordpiece.ts';

const models = mkdtempSync(join(tmpdir(), 'octant-onnx-'));
after(() => rmSync(models, { recursive: true, force: true }));

const TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'the', 'heron', 'nest', '##s', 'by', 'weir', 'walnut', 'crate', '.', 'old'];
const DIMS = 8;
let runtimeMissing: string | undefined;
try {
  resolveOnnxRuntime();
} catch (error) {
  runtimeMissing = (error as Error).message;
  console.log(`# skipping the ONNX runtime tests: ${runtimeMissing}`);
}

function install(name: string, output: 'last_hidden_state' | 'sentence_embedding', vocabFile = 'vocab.txt'): Float32Array[] {
  mkdirSync(join(models, name), { recursive: true });
  const tiny = tinyOnnxModel({ vocab: TOKENS.length, dims: DIMS, output, seed: 11 });
  writeFileSync(join(models, name, 'model.onnx'), tiny.bytes);
  if (vocabFile === 'vocab.txt') writeFileSync(join(models, name, vocabFile), TOKENS.join('\n'));
  else writeFileSync(join(models, name, vocabFile), JSON.stringify({ normalizer: { lowercase: true }, model: { type: 'WordPiece', unk_token: '[UNK]', vocab: Object.fromEntries(TOKENS.map((t, i) => [t, i])) } }));
  return tiny.table;
}

const close = (a: Float32Array, b: Float32Array): void => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-5, `[${i}] ${x} vs ${b[i]}`));
};

test('last_hidden_state: WordPiece ids in, the mean of the tokens\' rows out, L2-normalized, in the worker', { skip: runtimeMissing }, async () => {
  const table = install('hidden', 'last_hidden_state');
  const embedder = onnxModelEmbedder({ modelsDir: models, model: 'hidden/model.onnx', dims: DIMS });
  try {
    assert.equal(embedder.id, `local:hidden/model.onnx:${DIMS}`);
    const texts = ['The herons nest by the old weir.', 'Walnut crate', 'zzz unknown'];
    const vectors = await embedder.embed(texts);
    const vocab = readVocabulary(TOKENS.join('\n'), 'vocab.txt');
    texts.forEach((text, i) => {
      const { inputIds, attentionMask } = encode(text, vocab, 256);
      const hidden = new Float32Array(inputIds.length * DIMS);
      inputIds.forEach((id, t) => hidden.set(table[id], t * DIMS));
      close(vectors[i], meanPool(hidden, inputIds.length, DIMS, attentionMask));
    });
    // Distinct texts, distinct unit vectors.
    assert.ok(Math.abs(Math.hypot(...vectors[0]) - 1) < 1e-5);
    assert.notDeepEqual([...vectors[0]], [...vectors[1]]);
  } finally {
    await embedder.close();
  }
});

test('sentence_embedding with tokenizer.json: the model\'s own pooled vector, normalized', { skip: runtimeMissing }, async () => {
  const table = install('pooled', 'sentence_embedding', 'tokenizer.json');
  const embedder = onnxModelEmbedder({ modelsDir: models, model: 'pooled/model.onnx', dims: DIMS });
  try {
    const [v] = await embedder.embed(['heron nests']);
    const ids = [2, 5, 6, 7, 3]; // [CLS] heron nest ##s [SEP]
    const mean = new Float32Array(DIMS);
    for (const id of ids) table[id].forEach((x, d) => (mean[d] += x / ids.length));
    close(v, normalize(mean));
    // A model of another size than configured is refused, naming the setting.
    const wrong = onnxModelEmbedder({ modelsDir: models, model: 'pooled/model.onnx', dims: DIMS + 1 });
    await assert.rejects(wrong.embed(['heron']), (e: Error & { code?: string }) => e.code === 'E_MEMORY_EMBEDDER' && /8 dimensions, expected 9 \(services.context.embedder.dims\)/.test(e.message));
    await wrong.close();
  } finally {
    await embedder.close();
  }
});

test('refused, naming the step: no model file, no vocabulary, a path out of the models directory, no runtime where configured', () => {
  install('novocab', 'last_hidden_state');
  rmSync(join(models, 'novocab', 'vocab.txt'));
  const code = (wanted: string, pattern: RegExp) => (e: Error & { code?: string; hint?: string }) => e.code === wanted && pattern.test(`${e.message} ${e.hint ?? ''}`);
  assert.throws(() => onnxModelEmbedder({ modelsDir: models, model: 'absent/model.onnx', dims: DIMS }), code('E_MEMORY_MODEL_MISSING', /no absent\/model.onnx in/));
  assert.throws(() => onnxModelEmbedder({ modelsDir: models, model: 'novocab/model.onnx', dims: DIMS }), code('E_MEMORY_MODEL_MISSING', /no novocab\/vocab.txt in .*tokenizer.json or vocab.txt/));
  assert.throws(() => onnxModelEmbedder({ modelsDir: models, model: '../etc/model.onnx', dims: DIMS }), code('E_MEMORY_MODEL_MISSING', /not inside/));
  const empty = mkdtempSync(join(tmpdir(), 'octant-no-ort-'));
  try {
    assert.throws(() => resolveOnnxRuntime(empty), code('E_MEMORY_MODEL_ENGINE', /need onnxruntime-web@1\.30\.0, which is not installed.*npm install onnxruntime-web@1\.30\.0/));
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
