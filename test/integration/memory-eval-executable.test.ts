// `octant memory eval` through the shipped executable: each fixture format
// (src/services/context/eval/fixtures/) is remembered by the throwaway store
// inside dist/octant (its import worker, embed workers, T3, T4, fusion, from
// the startup snapshot) and the figures it prints equal the ones worked out
// by hand for plain BM25 and the ones the same code computes under
// `node --test` for hybrid recall; a malformed file is refused, naming the
// item and field, with a non-zero exit and nothing on stdout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rootLayout } from '../../src/runtime/paths.ts';
import { readEvalFile, runMemoryEval, type EvalReport } from '../../src/services/context/api.ts';
import { OCTANT } from '../support/dist-octant.ts';
import { conversationLines, generateConversations } from '../../bench/memory/conversations.ts';

const skip = existsSync(OCTANT) ? undefined : `${OCTANT} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping memory eval executable tests: ${skip}\n`);

const FIXTURES = fileURLToPath(new URL('../../src/services/context/eval/fixtures/', import.meta.url));
let work = '';

before(() => { work = mkdtempSync(join(tmpdir(), 'octant-memory-eval-exe-')); });
after(() => { if (work !== '') rmSync(work, { recursive: true, force: true }); });

function octant(args: string[], root?: string): { status: number | null; stdout: string; stderr: string } {
  // TMPDIR: the throwaway stores go under `work`, so the test can see they are removed.
  return spawnSync(OCTANT, [...(root !== undefined ? ['--root', root] : []), 'memory', 'eval', ...args], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: work, TMPDIR: work } });
}

/** Figures only (the timings differ run to run). */
function figures(r: EvalReport): unknown {
  return { ...r, ingestSeconds: 0, methods: Object.fromEntries(Object.entries(r.methods).map(([m, v]) => [m, { all: v.all, byType: v.byType }])) };
}

const handWorked: Record<string, { scored: number; abstention: number; recall: number; all: number; sessionRecall: number }> = {
  // See src/services/context/eval/run-eval.test.ts for the working.
  'longmemeval.json': { scored: 2, abstention: 1, recall: 0.75, all: 0.5, sessionRecall: 0.75 },
  'locomo.json': { scored: 4, abstention: 1, recall: 0.875, all: 0.75, sessionRecall: 0.875 },
  // c1: the greyhound turn first; of the multi-hop pair only the job turn (it names Okonkwo and "works"); c2: the Portuguese turn.
  'conversations.jsonl': { scored: 3, abstention: 1, recall: 5 / 6, all: 2 / 3, sessionRecall: 1 },
};

for (const [name, expected] of Object.entries(handWorked)) {
  test(`dist/octant memory eval ${name} --k 1 --json: plain BM25 as worked out by hand, hybrid as the sources compute it`, { skip }, async () => {
    const run = octant([join(FIXTURES, name), '--k', '1', '--json']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /memory eval: \d+\/\d+ conversations/, 'progress on stderr');
    const report: EvalReport = JSON.parse(run.stdout);
    assert.equal(report.scored, expected.scored);
    assert.equal(report.abstention, expected.abstention);
    const bm25 = report.methods.bm25?.all;
    assert.ok(bm25 !== undefined);
    assert.ok(Math.abs(bm25.recall - expected.recall) < 1e-12, `bm25 recall ${bm25.recall}`);
    assert.equal(bm25.all, expected.all);
    assert.equal(bm25.sessionRecall, expected.sessionRecall);
    const ours = await runMemoryEval(readEvalFile(join(FIXTURES, name)), { k: 1, methods: ['hybrid', 'bm25'] });
    assert.deepEqual(figures(report), figures(ours), 'the executable computes what the sources compute');
    assert.deepEqual(readdirSync(work).filter((n) => n.startsWith('octant-memory-eval-')), [], 'no throwaway store left behind');
  });
}

test('dist/octant memory eval prints a table by question type for both methods', { skip }, () => {
  const run = octant([join(FIXTURES, 'locomo.json'), '--method', 'all']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^LoCoMo: 1 conversations, 8 turns remembered; 5 questions: 4 scored, 1 abstention/);
  assert.match(run.stdout, /\| category 4 \| 2 \| hybrid \| /);
  assert.match(run.stdout, /\| all \| 4 \| plain BM25 \| 1\.000 \| 1\.000 \| 1\.000 \| 1\.000 \|/);
});

test('dist/octant memory eval refuses a malformed file naming the item and field, and bad options', { skip }, () => {
  const items = JSON.parse(readFileSync(join(FIXTURES, 'longmemeval.json'), 'utf8'));
  delete items[2].haystack_dates;
  writeFileSync(join(work, 'bad.json'), JSON.stringify(items));
  const bad = octant([join(work, 'bad.json')]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /E_MEMORY_EVAL_FORMAT/);
  assert.match(bad.stderr, /item 2 \(question_id "fx-003"\): haystack_dates: missing/);
  const badJson = octant([join(work, 'bad.json'), '--json']);
  assert.equal(badJson.status, 1);
  assert.deepEqual(JSON.parse(badJson.stderr).error.detail, { where: 'item 2 (question_id "fx-003")', field: 'haystack_dates' });

  const missing = octant([join(work, 'nothing-here.json')]);
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /E_MEMORY_EVAL_FILE/);
  assert.equal(octant([join(FIXTURES, 'locomo.json'), '--format', 'csv']).status, 2);
  assert.equal(octant([join(FIXTURES, 'locomo.json'), '--k', '0']).status, 2);
  assert.equal(octant([join(FIXTURES, 'locomo.json'), '--method', 'dense']).status, 2);
  for (const weights of ['t5=1', 't4=-1', 't4=x', 't2', '']) {
    const bad = octant([join(FIXTURES, 'locomo.json'), '--weights', weights]);
    assert.equal(bad.status, 2, `--weights ${weights}`);
    assert.match(bad.stderr, /--weights/);
  }
});

test('Ctrl-C during dist/octant memory eval: exit 130, and the throwaway store it was filling is removed', { skip }, async () => {
  const dir = mkdtempSync(join(work, 'interrupt-'));
  const file = join(dir, 'set.jsonl');
  writeFileSync(file, `${conversationLines(generateConversations({ sessions: 300, seed: 7 })).join('\n')}\n`);
  const child = spawn(OCTANT, ['memory', 'eval', file], { env: { PATH: '/usr/bin:/bin', HOME: dir, TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  // Interrupted once the store of the first conversation exists on disk.
  const store = (): boolean => readdirSync(dir).some((n) => n.startsWith('octant-memory-eval-') && existsSync(join(dir, n, 'c0', 'tiers.sqlite')));
  for (let i = 0; i < 600 && !store() && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(store(), `the store was made (${stderr})`);
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  assert.match(stderr, /E_MEMORY_EVAL_STOPPED/);
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('octant-memory-eval-')), []);
});

test('--embedder configured: the embedder of this root\'s octant.yaml; a configured local model that is missing is refused before any work', { skip }, () => {
  const root = mkdtempSync(join(work, 'root-'));
  const fixture = join(FIXTURES, 'conversations.jsonl');
  // Twin: no octant.yaml, the service's default (the built-in embedder).
  const builtin = octant([fixture, '--embedder', 'configured', '--json'], root);
  assert.equal(builtin.status, 0, builtin.stderr);
  assert.match(JSON.parse(builtin.stdout).embedder, /^hashed-/);
  const paths = rootLayout(root);
  mkdirSync(paths.etc, { recursive: true });
  mkdirSync(join(root, 'models'));
  writeFileSync(join(paths.etc, 'octant.yaml'), `services:\n  context:\n    embedder:\n      kind: local\n      dims: 8\n      modelsDir: ${join(root, 'models')}\n`);
  const missing = octant([fixture, '--embedder', 'configured'], root);
  assert.equal(missing.status, 3, missing.stderr);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /E_MEMORY_MODEL_MISSING/);
  // The default ignores the configuration: the built-in embedder.
  assert.equal(octant([fixture, '--json'], root).status, 0);
});

test('--weights sets the hybrid fusion\'s tier weights: T2 alone ranks as the store\'s full text does, and the twin with the defaults differs', { skip }, async () => {
  const file = join(FIXTURES, 'conversations.jsonl');
  const textOnly = octant([file, '--k', '1', '--method', 'hybrid', '--weights', 't2=1,t3=0,t4=0', '--json']);
  assert.equal(textOnly.status, 0, textOnly.stderr);
  const ours = await runMemoryEval(readEvalFile(file), { k: 1, methods: ['hybrid'], weights: { t2: 1, t3: 0, t4: 0 } });
  assert.deepEqual(figures(JSON.parse(textOnly.stdout)), figures(ours));
  const defaults = await runMemoryEval(readEvalFile(file), { k: 1, methods: ['hybrid'] });
  assert.notDeepEqual(figures(ours), figures(defaults), 'the weights change the ranking on this fixture');
});
