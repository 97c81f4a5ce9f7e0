// An ONNX embedding model through the shipped executable: a system booted
// by dist/octant with octant.yaml's services.context.embedder naming a tiny
// ONNX model (written byte by byte: src/services/context/testing/tiny-onnx.ts)
// under a models directory. onnxruntime-web is not in the executable: it is
// loaded from node_modules beside it, in the ONNX worker. Memories imported
// by the operator are embedded by it (stats name the embedder) and T3
// answers a search; with the model's vocabulary gone, the start is refused
// naming the missing file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rootLayout } from '../../src/runtime/paths.ts';
import { tinyOnnxModel } from '../../src/services/context/testing/tiny-onnx.ts';
import { bootSystem, stopSystem } from '../support/agent-memory.ts';
import { OCTANT } from '../support/dist-octant.ts';

const TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'the', 'heron', 'nest', '##s', 'by', 'weir', 'walnut', 'crate', 'attic', 'in', '.', 'old'];
const runtimeHere = ['node_modules', join('..', 'node_modules')].some((d) => existsSync(join(dirname(OCTANT), '..', d, 'onnxruntime-web', 'package.json')));
const skip = !existsSync(OCTANT) ? 'dist/octant is not built' : !runtimeHere ? 'onnxruntime-web (an optional dependency) is not installed' : false;
if (skip) console.log(`# skipping the ONNX embedder through dist/octant: ${skip}`);

let root: string;
let system: ChildProcess | undefined;
const octant = (...args: string[]) => spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 120_000, env: { PATH: '/usr/bin:/bin', HOME: root } });

function ok(run: ReturnType<typeof octant>): string {
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

const boot = (): Promise<ChildProcess> => bootSystem(OCTANT, root, { stderr: 'pipe' });
const stop = (): Promise<void> => stopSystem(system);

before(() => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), 'octant-memory-onnx-'));
  const models = join(root, 'models');
  mkdirSync(join(models, 'tiny'), { recursive: true });
  writeFileSync(join(models, 'tiny', 'model.onnx'), tinyOnnxModel({ vocab: TOKENS.length, dims: 8, output: 'last_hidden_state' }).bytes);
  writeFileSync(join(models, 'tiny', 'vocab.txt'), TOKENS.join('\n'));
  const paths = rootLayout(root);
  mkdirSync(paths.etc, { recursive: true });
  writeFileSync(join(paths.etc, 'octant.yaml'), `services:\n  context:\n    embedder: { kind: local, model: tiny/model.onnx, dims: 8, modelsDir: ${models} }\n`);
  // An export of two memories, for the operator's import.
  const memory = (id: string, text: string) => JSON.stringify({ id, kind: 'note', text, importance: 0.5, pinned: false, createdAt: 1000, versions: [{ validFrom: 1000, recordedAt: 1000 }] });
  writeFileSync(join(root, 'export.jsonl'), [
    JSON.stringify({ format: 'octant-memory', version: 1, partition: 'source', exportedAt: 2000, memories: 2 }),
    memory('m0000000000000000000000001', 'The herons nest by the old weir.'),
    memory('m0000000000000000000000002', 'The walnut crate is in the attic.'),
  ].join('\n') + '\n');
});

after(async () => {
  if (skip) return;
  await stop();
  rmSync(root, { recursive: true, force: true });
});

test('services.context.embedder names an ONNX model: memories are embedded by it in the executable\'s ONNX worker, and T3 answers', { skip, timeout: 240_000 }, async () => {
  system = await boot();
  assert.equal(JSON.parse(ok(octant('memory', 'import', 'walker', join(root, 'export.jsonl'), '--json'))).imported, 2);
  const stats = JSON.parse(ok(octant('memory', 'stats', 'walker', '--json'))) as { embedder: { current: string } };
  assert.equal(stats.embedder.current, 'local:tiny/model.onnx:8');
  const hits = JSON.parse(ok(octant('memory', 'search', 'walker', 'heron nests weir', '--json'))) as { memory: { text: string }; tiers: string[] }[];
  assert.equal(hits[0].memory.text, 'The herons nest by the old weir.');
  assert.ok(hits[0].tiers.includes('t3'), JSON.stringify(hits));
  await stop();
});

test('refused at start, naming the step: the model\'s vocabulary is missing', { skip, timeout: 120_000 }, async () => {
  rmSync(join(root, 'models', 'tiny', 'vocab.txt'));
  await assert.rejects(boot(), /E_MEMORY_MODEL_MISSING|no tiny\/vocab.txt/);
});
