// Held-out conversational memory bench, against the built executable
// (docs/benchmarks.md "Memory"), on a conversation set generated with a
// seed the fusion was NOT tuned on (bench/memory/conversations.ts; tuning
// used seed 29). Two parts:
//
// 1. Quality, by the command operators run on a public benchmark: the set
//    is written as the evaluation's JSON lines and measured by
//    `dist/octant memory eval FILE --json` (a throwaway store built from the
//    service's code inside the executable): recall@10, NDCG@10 of the answer
//    turns and session recall@10 by question type, hybrid recall against
//    plain BM25 in the same run.
// 2. Through the running service: a system booted by dist/octant; the set
//    is imported into one agent's partition with `octant memory import`
//    (the import worker of the executable), then every question is asked
//    through the running context service (the typed admin client, what
//    `octant memory search` calls): recall@10 and the latency of a search
//    through the service (admin socket round trip included), against plain
//    BM25 (FTS5) over the same turns in this process, in the same run.
//
// Usage: node bench/memory-executable.ts [--sessions 300] [--seed 7]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { admin } from '../src/runtime/admin/client.ts';
import { rootLayout } from '../src/runtime/paths.ts';
import { CONTEXT_API, type Memory } from '../src/services/context/api.ts';
import { OCTANT } from '../test/support/dist-octant.ts';
import { Bm25Tier } from './memory/bm25.ts';
import { conversationLines, generateConversations, type QuestionType } from './memory/conversations.ts';
import type { EvalReport } from '../src/services/context/api.ts';

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '300' }, seed: { type: 'string', default: '7' } } });
const PARTITION = 'held-out';
const K = 10;
const TYPES: QuestionType[] = ['single-hop', 'multi-hop', 'temporal'];

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function recall(got: readonly string[], gold: readonly string[]): number {
  return gold.filter((g) => got.includes(g)).length / gold.length;
}

const root = mkdtempSync(join(tmpdir(), 'octant-memory-heldout-'));
let system: ChildProcess | undefined;
try {
  const set = generateConversations({ sessions: Number(values.sessions), seed: Number(values.seed) });
  console.log(`held-out set: ${set.turns.length} turns in ${values.sessions} sessions, ${set.questions.length} questions (seed ${values.seed}; fusion tuned on 29)`);
  const env = { PATH: '/usr/bin:/bin', HOME: root, TMPDIR: root };

  // 1. `octant memory eval` on the set, as JSON lines.
  const evalFile = join(root, 'held-out.jsonl');
  writeFileSync(evalFile, `${conversationLines(set).join('\n')}\n`);
  let t = performance.now();
  const measured = spawnSync(OCTANT, ['memory', 'eval', evalFile, '--k', String(K), '--json'], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (measured.status !== 0) throw new Error(`octant memory eval: ${measured.stderr}`);
  const report: EvalReport = JSON.parse(measured.stdout);
  console.log(`\n1. dist/octant memory eval ${evalFile.slice(root.length + 1)} --k ${K} --json (${((performance.now() - t) / 1000).toFixed(1)} s; remembering ${report.ingestSeconds.toFixed(1)} s):`);
  console.log(`| method | ${TYPES.map((ty) => `${ty} (${report.methods.bm25?.byType[ty]?.questions ?? 0})`).join(' | ')} | all: recall@${K} | NDCG@${K} | session recall@${K} |\n|---|${TYPES.map(() => '---').join('|')}|---|---|---|`);
  for (const [method, label] of [['bm25', 'plain BM25 (FTS5), baseline'], ['hybrid', 'hybrid (T2 + T3 + T4, RRF)']] as const) {
    const r = report.methods[method];
    if (r === undefined) continue;
    console.log(`| ${label} | ${TYPES.map((ty) => (r.byType[ty]?.recall ?? 0).toFixed(3)).join(' | ')} | ${r.all.recall.toFixed(3)} | ${r.all.ndcg.toFixed(3)} | ${r.all.sessionRecall.toFixed(3)} |`);
  }
  const ratio = (report.methods.hybrid?.all.recall ?? 0) / (report.methods.bm25?.all.recall || 1);
  console.log(`hybrid vs plain BM25, recall@${K} (all questions): ${ratio.toFixed(2)}x; search p50 hybrid ${report.methods.hybrid?.searchMs.p50.toFixed(2)} ms, BM25 ${report.methods.bm25?.searchMs.p50.toFixed(2)} ms`);

  // 2. Through the running service.
  console.log('\n2. through the running context service:');
  system = spawn(OCTANT, ['--root', root, 'boot', '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: system!.stdout! }).on('line', (line) => { if (line.includes('"event":"system-ready"')) resolve(); });
    system!.once('exit', (code) => reject(new Error(`dist/octant boot exited ${code}`)));
  });

  // The export format (docs/memory.md "Export and import"): a header, then one memory per line.
  const lines = [
    JSON.stringify({ format: 'octant-memory', version: 1, partition: PARTITION, exportedAt: Date.now(), memories: set.turns.length }),
    ...set.turns.map((t) => JSON.stringify({ id: t.id, kind: 'turn', text: t.text, importance: 0.5, pinned: false, createdAt: t.at, versions: [{ validFrom: t.at, recordedAt: t.at }] })),
  ];
  const file = join(root, 'set.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  t = performance.now();
  const imported = spawnSync(OCTANT, ['--root', root, 'memory', 'import', PARTITION, file, '--json'], { env, encoding: 'utf8' });
  if (imported.status !== 0) throw new Error(`octant memory import: ${imported.stderr}`);
  console.log(`imported through dist/octant in ${((performance.now() - t) / 1000).toFixed(1)} s: ${imported.stdout.trim()}`);

  // The baseline, in this process over the same turns.
  const db = new DatabaseSync(':memory:');
  const bm25 = new Bm25Tier(db);
  bm25.addMany(set.turns.map((turn): Memory => ({ id: turn.id, partition: PARTITION, kind: 'turn', text: turn.text, importance: 0.5, pinned: false, validFrom: turn.at, recordedAt: turn.at })));

  const client = admin(rootLayout(root), 'context');
  const byType: Record<string, { service: number[]; bm25: number[] }> = {};
  const serviceMs: number[] = [];
  const bm25Ms: number[] = [];
  for (const q of set.questions) {
    t = performance.now();
    const hits = await client.call(CONTEXT_API.search, { partition: PARTITION, query: q.text, k: K });
    serviceMs.push(performance.now() - t);
    t = performance.now();
    const plain = bm25.search(PARTITION, q.text, K);
    bm25Ms.push(performance.now() - t);
    const row = (byType[q.type] ??= { service: [], bm25: [] });
    row.service.push(recall(hits.map((h) => h.memory.id), q.gold));
    row.bm25.push(recall(plain.map((h) => h.id), q.gold));
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const all = (which: 'service' | 'bm25'): number => mean(Object.values(byType).flatMap((r) => r[which]));
  console.log(`\nrecall@${K} of the answer turns (held-out seed ${values.seed}):`);
  console.log(`| method | ${TYPES.map((ty) => `${ty} (${byType[ty]?.service.length ?? 0})`).join(' | ')} | all |\n|---|${TYPES.map(() => '---').join('|')}|---|`);
  console.log(`| BM25 (FTS5), baseline | ${TYPES.map((ty) => mean(byType[ty]?.bm25 ?? [0]).toFixed(3)).join(' | ')} | ${all('bm25').toFixed(3)} |`);
  console.log(`| dist/octant context service (hybrid) | ${TYPES.map((ty) => mean(byType[ty]?.service ?? [0]).toFixed(3)).join(' | ')} | ${all('service').toFixed(3)} |`);
  console.log(`service vs BM25 (all questions): ${(all('service') / all('bm25')).toFixed(2)}x`);
  console.log(`\nsearch latency, ${serviceMs.length} queries: service p50 ${percentile(serviceMs, 50).toFixed(2)} ms, p95 ${percentile(serviceMs, 95).toFixed(2)} ms (admin socket round trip included); in-process BM25 p50 ${percentile(bm25Ms, 50).toFixed(2)} ms, p95 ${percentile(bm25Ms, 95).toFixed(2)} ms`);
} finally {
  if (system !== undefined && system.exitCode === null) {
    const exited = new Promise((r) => system!.once('exit', r));
    system.kill('SIGTERM');
    await exited;
  }
  rmSync(root, { recursive: true, force: true });
}
