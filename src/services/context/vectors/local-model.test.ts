// The local-model embedder: refusals that name the missing step, and the
// engine started on demand (a fake llama-server: a real HTTP server on
// 127.0.0.1 run as a separate program, as the real engine is).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localModelEmbedder, resolveLocalModel } from './local-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-local-model-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fake = join(dirname(fileURLToPath(import.meta.url)), '..', 'testing', 'fake-llama-server.ts');
const models = join(dir, 'models');
mkdirSync(models);
const engine = join(dir, 'llama-server');
writeFileSync(engine, `#!/bin/sh\nexec "${process.execPath}" "${fake}" "$@"\n`);
chmodSync(engine, 0o755);
const code = (c: string) => (e: Error & { code?: string }) => e.code === c;

test('refused, naming the step: no model, an ONNX model, no engine', () => {
  assert.throws(() => resolveLocalModel({ modelsDir: join(dir, 'none'), engine }), code('E_MEMORY_MODEL_MISSING'));
  assert.throws(() => resolveLocalModel({ modelsDir: models, engine }), code('E_MEMORY_MODEL_MISSING'));
  writeFileSync(join(models, 'minilm.onnx'), 'onnx');
  assert.throws(() => resolveLocalModel({ modelsDir: models, engine }), (e: Error & { code?: string }) => e.code === 'E_MEMORY_MODEL_ENGINE' && /ONNX/.test(e.message));
  writeFileSync(join(models, 'nomic-embed.gguf'), 'gguf');
  assert.throws(() => resolveLocalModel({ modelsDir: models, engine: join(dir, 'no-such-engine') }), (e: Error & { code?: string }) => e.code === 'E_MEMORY_MODEL_ENGINE' && /not installed/.test(e.message));
  assert.throws(() => resolveLocalModel({ modelsDir: models, engine, model: 'other.gguf' }), code('E_MEMORY_MODEL_MISSING'));
  // The twin: with a GGUF model and an engine, both resolve.
  assert.deepEqual(resolveLocalModel({ modelsDir: models, engine }), { model: join(models, 'nomic-embed.gguf'), engine });
});

test('the engine starts on the first embed (waiting while it loads), embeds, and stops with the embedder', async () => {
  writeFileSync(join(models, 'nomic-embed.gguf'), 'gguf');
  const embedder = localModelEmbedder({ modelsDir: models, engine, dims: 8 });
  assert.equal(embedder.id, 'local:nomic-embed.gguf:8');
  try {
    const [a, b] = await embedder.embed(['hello there', 'another text']);
    assert.equal(a.length, 8);
    assert.ok(Math.abs(a.reduce((s, x) => s + x * x, 0) - 1) < 1e-5, 'normalized');
    assert.notDeepEqual(Array.from(a), Array.from(b));
    assert.deepEqual(Array.from((await embedder.embed(['hello there']))[0]), Array.from(a), 'the same engine serves later calls');
  } finally {
    await embedder.close();
  }
  const wrong = localModelEmbedder({ modelsDir: models, engine, dims: 16 });
  try {
    await assert.rejects(wrong.embed(['x']), /8 dimensions, expected 16/);
  } finally {
    await wrong.close();
  }
});

test('an engine that exits before serving fails the embed with its output (E_MEMORY_MODEL_START)', async () => {
  const failing = join(dir, 'failing-engine');
  writeFileSync(failing, `#!/bin/sh\nFAKE_ENGINE_FAIL=1 exec "${process.execPath}" "${fake}" "$@"\n`);
  chmodSync(failing, 0o755);
  const embedder = localModelEmbedder({ modelsDir: models, engine: failing, dims: 8 });
  await assert.rejects(embedder.embed(['x']), (e: Error & { code?: string }) => e.code === 'E_MEMORY_MODEL_START' && /failed to load model/.test(e.message));
  await embedder.close();
});
