// Memory recall bench (docs/benchmarks.md "Memory"), two parts in one run:
//
// 1. Quality: the conversational retrieval set (bench/memory/conversations.ts,
//    generated from a seed) indexed in T2 (plain BM25, FTS5), T3 (the
//    built-in embedder) and T4 (the rule-based graph); recall@10 of the
//    answer turns by question type, for plain BM25 and for hybrid recall
//    (RRF of the three with recency and importance) on the same data.
// 2. Scale: the same generator grown to `--memories` turns (default
//    100,000); hybrid recall latency p50/p95 (query embedding, the three
//    tiers, fusion) against plain BM25 as the baseline in the same run, and
//    the HNSW index's recall@10 against exact search over the same vectors.
//
// Usage: node bench/memory-recall.ts [--sessions 300] [--memories 100000] [--queries 400]
// (--sessions 0 skips the quality part, --memories 0 the scale part)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { fuse, type FusionOptions } from '../src/services/context/fusion/fuse.ts';
import { GraphTier } from '../src/services/context/graph/graph-tier.ts';
import { sqliteDriver } from '../src/services/context/graph/sql-driver.ts';
import type { ContextStoreApi, Memory, RecallTier, TierHit } from '../src/services/context/types.ts';
import { openRecallTiers, type RecallTiers } from '../src/services/context/recall-tiers.ts';
import { createContextStore } from '../src/services/context/store/context-store.ts';
import { createWorkerPool } from '../src/lib/worker-pool.ts';
import { builtinEmbedder, embedWorkers } from '../src/services/context/vectors/builtin-embedder.ts';
import { ExactIndex } from '../src/services/context/vectors/exact-index.ts';
import { hashedEmbedding } from '../src/services/context/vectors/hashed-embedding.ts';
import { VectorTier } from '../src/services/context/vectors/vector-tier.ts';
import { Bm25Tier } from './memory/bm25.ts';
import { generateConversations, type ConversationSet, type QuestionType } from './memory/conversations.ts';

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '300' }, memories: { type: 'string', default: '100000' }, queries: { type: 'string', default: '400' }, seed: { type: 'string', default: '19' }, weights: { type: 'string' }, 'postings-budget': { type: 'string' }, 'fusion-depth': { type: 'string' }, recency: { type: 'string' }, 'half-life-days': { type: 'string' } } });
/** Tier weights of the fusion: the service's defaults unless --weights t2=1,t3=1,t4=2 (for tuning on another seed). */
const FUSION: FusionOptions = {
  ...(values.recency === undefined ? {} : { recencyWeight: Number(values.recency) }),
  ...(values['half-life-days'] === undefined ? {} : { halfLifeMs: Number(values['half-life-days']) * 86_400_000 }),
};
const WEIGHTS = values.weights === undefined ? undefined : Object.fromEntries(values.weights.split(',').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]));
if (WEIGHTS !== undefined) FUSION.weights = WEIGHTS;
const PARTITION = 'bench-agent';
const TYPES: QuestionType[] = ['single-hop', 'multi-hop', 'temporal'];
const dir = mkdtempSync(join(tmpdir(), 'octant-memory-bench-'));
const workers = embedWorkers();

interface Tiers {
  t2: Bm25Tier;
  t3: VectorTier;
  t4: GraphTier;
  at: Map<string, number>;
  close(): void;
}

async function index(set: ConversationSet, name: string): Promise<Tiers> {
  const db = new DatabaseSync(join(dir, `${name}.db`));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  const t2 = new Bm25Tier(db);
  const t3 = new VectorTier({ db, embedder: builtinEmbedder({ workers }), workers });
  const t4 = new GraphTier({ driver: sqliteDriver(db) });
  const memories: Memory[] = set.turns.map((t) => ({ id: t.id, partition: PARTITION, kind: 'turn', text: t.text, importance: 0.5, pinned: false, validFrom: t.at, recordedAt: t.at }));
  let t = performance.now();
  t2.addMany(memories);
  const t2ms = performance.now() - t;
  t = performance.now();
  await t3.addMany(memories);
  await t3.searchVector(PARTITION, hashedEmbedding('warm up', 256), 1);
  await t3.settled(PARTITION);
  const t3ms = performance.now() - t;
  t = performance.now();
  // One transaction per 1000 memories, like a bulk import.
  for (let i = 0; i < memories.length; i += 1000) await t4.addMany(memories.slice(i, i + 1000));
  const t4ms = performance.now() - t;
  console.log(`  indexed ${memories.length} memories: T2 ${(t2ms / 1000).toFixed(1)} s, T3 ${(t3ms / 1000).toFixed(1)} s (${t3.stats(PARTITION).kind}), T4 ${(t4ms / 1000).toFixed(1)} s`);
  return { t2, t3, t4, at: new Map(set.turns.map((x) => [x.id, x.at])), close: () => db.close() };
}

const K = 10;
const DEPTH = 50;

async function hybrid(tiers: Tiers, query: string, now: number): Promise<string[]> {
  const [t2, t3, t4] = await Promise.all([tiers.t2.search(PARTITION, query, DEPTH), tiers.t3.search(PARTITION, query, DEPTH), tiers.t4.search(PARTITION, query, DEPTH)]);
  const lists: Record<string, TierHit[]> = { t2, t3, t4 };
  return fuse(lists, (id) => ({ time: tiers.at.get(id)!, importance: 0.5 }), now, FUSION).slice(0, K).map((h) => h.id);
}

function recallAt(got: readonly string[], gold: readonly string[]): number {
  const top = new Set(got.slice(0, K));
  return gold.filter((g) => top.has(g)).length / gold.length;
}

async function quality(): Promise<void> {
  const set = generateConversations({ sessions: Number(values.sessions), seed: Number(values.seed) });
  console.log(`\nQuality: ${set.turns.length} turns in ${values.sessions} sessions, ${set.questions.length} questions (seed ${values.seed})`);
  const tiers = await index(set, 'quality');
  // The service's own path on the same set: imported into a context store
  // (T2 its text tier, T3 and T4 from openRecallTiers), asked at the question's time.
  const service = await serviceOn(set, 'quality');
  const methods: Record<string, (q: string, now: number) => Promise<string[]>> = {
    'BM25 (FTS5)': async (q) => tiers.t2.search(PARTITION, q, K).map((h) => h.id),
    'T3 only': async (q) => (await tiers.t3.search(PARTITION, q, K)).map((h) => h.id),
    'T4 only': async (q) => (await tiers.t4.search(PARTITION, q, K)).map((h) => h.id),
    hybrid: (q, now) => hybrid(tiers, q, now),
    'T2 of the store': (q, now) => service.textOnly(q, now),
    'hybrid, the context store': (q, now) => service.search(q, now),
  };
  const rows: string[] = [];
  const header = ['method', ...TYPES.map((t) => `${t} (${set.questions.filter((q) => q.type === t).length})`), 'all'];
  rows.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  const sums: Record<string, number> = {};
  const current: string[] = [];
  for (const [name, run] of Object.entries(methods)) {
    const byType: Record<string, number[]> = {};
    let currentFirst = 0;
    let temporal = 0;
    for (const q of set.questions) {
      const got = await run(q.text, q.at);
      (byType[q.type] ??= []).push(recallAt(got, q.gold));
      if (q.stale === undefined) continue;
      // Stricter than recall: the current value ranks above every superseded one.
      temporal++;
      const at = got.indexOf(q.gold[0]);
      if (at >= 0 && q.stale.every((s) => got.indexOf(s) < 0 || got.indexOf(s) > at)) currentFirst++;
    }
    current.push(`${name} ${(currentFirst / temporal).toFixed(3)}`);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const all = mean(Object.values(byType).flat());
    sums[name] = all;
    rows.push(`| ${name} | ${TYPES.map((t) => mean(byType[t] ?? [0]).toFixed(3)).join(' | ')} | ${all.toFixed(3)} |`);
  }
  console.log(`recall@${K} of the answer turns:\n${rows.join('\n')}`);
  console.log(`temporal, the current value above every superseded one in the top ${K}: ${current.join(', ')}`);
  console.log(`hybrid vs BM25 (all questions): ${(sums.hybrid / sums['BM25 (FTS5)']).toFixed(2)}x`);
  tiers.close();
  await service.close();
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A recall tier whose adds and searches are timed (the bench's breakdown; the store sees the tier itself). */
function timed(tier: RecallTier, spent: { add: number; search: number[] }): RecallTier {
  return {
    name: tier.name,
    add: (m) => tier.add(m),
    remove: (p, id) => tier.remove(p, id),
    async addMany(memories) {
      const t = performance.now();
      if (tier.addMany !== undefined) await tier.addMany(memories);
      else for (const m of memories) await tier.add(m);
      spent.add += performance.now() - t;
    },
    async search(p, q, k) {
      const t = performance.now();
      const hits = await tier.search(p, q, k);
      spent.search.push(performance.now() - t);
      return hits;
    },
  };
}

/** The set as an export (docs/memory.md "Export and import"): what `octant memory import` reads. */
function exportOf(set: ConversationSet): string[] {
  const header = JSON.stringify({ format: 'octant-memory', version: 1, partition: PARTITION, exportedAt: 0, memories: set.turns.length });
  return [header, ...set.turns.map((t) => JSON.stringify({ id: t.id, kind: 'turn', text: t.text, importance: 0.5, pinned: false, createdAt: t.at, versions: [{ validFrom: t.at, recordedAt: t.at }] }))];
}

const optional = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));

interface Service {
  store: ContextStoreApi;
  recall: RecallTiers;
  spent: { t3: { add: number; search: number[] }; t4: { add: number; search: number[] } };
  importMs: number;
  /** The store's search (hybrid recall) at time `now`: the ids, best first. */
  search(query: string, now: number): Promise<string[]>;
  /** The same partition's T2 alone (a store over the same files without recall tiers). */
  textOnly(query: string, now: number): Promise<string[]>;
  close(): Promise<void>;
}

/** The set imported into a context store as the service runs it (services/context/index.ts). */
async function serviceOn(set: ConversationSet, name: string): Promise<Service> {
  let clock = Date.now();
  const recall = await openRecallTiers({ file: join(dir, `${name}-tiers.sqlite`), workers });
  const spent = { t3: { add: 0, search: [] as number[] }, t4: { add: 0, search: [] as number[] } };
  const importWorkers = createWorkerPool({ name: 'memory', source: { url: new URL('../src/services/context/store/store-worker.ts', import.meta.url) }, threads: 1, queueLimit: 4 });
  // --postings-budget, --fusion-depth: the store's knobs, to compare with its defaults.
  const knobs = { postingsBudget: optional(values['postings-budget']), fusionDepth: optional(values['fusion-depth']) };
  const store = createContextStore({ dir: join(dir, name), workers: importWorkers, tiers: [timed(recall.embedders, spent.t3), timed(recall.t4, spent.t4)], fuse: recall.fuse, now: () => clock, ...knobs });
  const t = performance.now();
  await store.importLines(PARTITION, exportOf(set));
  const importMs = performance.now() - t;
  const text = createContextStore({ dir: join(dir, name), now: () => clock, ...knobs });
  return {
    store, recall, spent, importMs,
    async search(query, now) {
      clock = now;
      return (await store.search(PARTITION, query, { k: K })).map((h) => h.memory.id);
    },
    async textOnly(query, now) {
      clock = now;
      return (await text.search(PARTITION, query, { k: K })).map((h) => h.memory.id);
    },
    async close() {
      await text.close();
      await store.close();
      await importWorkers.close();
      await recall.close();
    },
  };
}

async function scale(): Promise<void> {
  const target = Number(values.memories);
  const set = generateConversations({ sessions: Math.ceil(target / 14), seed: 23 });
  set.turns.length = Math.min(set.turns.length, target);
  console.log(`\nScale: ${set.turns.length} memories in one partition, through the context store (import, then search)`);
  // The service's own parts (services/context/index.ts): the store with its
  // import workers, T3 and T4 from openRecallTiers on the embed workers, hybrid fusion.
  const service = await serviceOn(set, 'scale');
  const { recall, spent, importMs } = service;
  let t = performance.now();
  await recall.embedders.settled(PARTITION);
  await recall.t3.settled(PARTITION);
  const hnswMs = performance.now() - t;
  console.log(`  import: ${(importMs / 1000).toFixed(1)} s in all (T3 ${(spent.t3.add / 1000).toFixed(1)} s, T4 ${(spent.t4.add / 1000).toFixed(1)} s, concurrently after T1/T2); then HNSW build ${(hnswMs / 1000).toFixed(1)} s (${recall.t3.stats(PARTITION).kind})`);
  // The baseline: plain BM25 (FTS5, OR of the words) over the same turns, its own file.
  const baseDb = new DatabaseSync(join(dir, 'scale-bm25.db'));
  baseDb.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  const bm25 = new Bm25Tier(baseDb);
  bm25.addMany(set.turns.map((x) => ({ id: x.id, partition: PARTITION, kind: 'turn', text: x.text, importance: 0.5, pinned: false, validFrom: x.at, recordedAt: x.at })));

  // The questions whose answer turns are all among the memories kept.
  const kept = new Set(set.turns.map((x) => x.id));
  const asked = set.questions.filter((q) => q.gold.every((g) => kept.has(g)));
  const n = Number(values.queries);
  const base: number[] = [];
  const fused: number[] = [];
  const found = { base: [] as number[], fused: [] as number[] };
  // Warm both paths, then alternate them so load bursts hit both alike.
  for (const q of asked.slice(0, 20)) {
    bm25.search(PARTITION, q.text, K);
    await service.search(q.text, q.at);
  }
  // CPU time per query besides the wall clock: on a shared machine the wall
  // clock's tail is mostly waiting for a core; CPU time is the work done.
  const cpu = { base: [] as number[], fused: [] as number[] };
  const cpuMs = (since: NodeJS.CpuUsage): number => {
    const d = process.cpuUsage(since);
    return (d.user + d.system) / 1000;
  };
  for (let i = 0; i < n; i++) {
    const q = asked[i % asked.length];
    let c = process.cpuUsage();
    t = performance.now();
    const b = bm25.search(PARTITION, q.text, K);
    base.push(performance.now() - t);
    cpu.base.push(cpuMs(c));
    c = process.cpuUsage();
    t = performance.now();
    const f = await service.search(q.text, q.at);
    fused.push(performance.now() - t);
    cpu.fused.push(cpuMs(c));
    if (i < asked.length) {
      found.base.push(recallAt(b.map((h) => h.id), q.gold));
      found.fused.push(recallAt(f, q.gold));
    }
  }
  // Each tier alone, the same questions (the sum is what one recall does on one thread).
  const alone: Record<string, number[]> = { t2: [], t3: [], t4: [] };
  for (let i = 0; i < Math.min(n, 200); i++) {
    const q = asked[i % asked.length];
    t = performance.now();
    await service.textOnly(q.text, q.at);
    alone.t2.push(performance.now() - t);
    t = performance.now();
    await recall.embedders.search(PARTITION, q.text, K);
    alone.t3.push(performance.now() - t);
    t = performance.now();
    await recall.t4.search(PARTITION, q.text, K);
    alone.t4.push(performance.now() - t);
  }
  const ms = (x: number): string => `${x.toFixed(2)} ms`;
  console.log(`| path | queries | p50 | p95 | p95 vs BM25 | CPU p50 | CPU p95 |\n|---|---|---|---|---|---|---|`);
  console.log(`| plain BM25 (FTS5, OR of the words), baseline | ${n} | ${ms(percentile(base, 50))} | ${ms(percentile(base, 95))} | 1x | ${ms(percentile(cpu.base, 50))} | ${ms(percentile(cpu.base, 95))} |`);
  console.log(`| hybrid recall: the context store's search (T0/T1 + T2 + T3 + T4, RRF) | ${n} | ${ms(percentile(fused, 50))} | ${ms(percentile(fused, 95))} | ${(percentile(fused, 95) / percentile(base, 95)).toFixed(2)}x | ${ms(percentile(cpu.fused, 50))} | ${ms(percentile(cpu.fused, 95))} |`);
  console.log(`  each tier alone, p50 / p95: ${Object.entries(alone).map(([tier, xs]) => `${tier} ${ms(percentile(xs, 50))} / ${ms(percentile(xs, 95))}`).join('; ')}`);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  console.log(`  recall@${K} of the answer turns at this size (${found.base.length} questions): plain BM25 ${mean(found.base).toFixed(3)}, hybrid ${mean(found.fused).toFixed(3)}`);

  // HNSW recall@10 against exact search over the same vectors.
  const exact = new ExactIndex(256, set.turns.length);
  for (const x of set.turns) exact.add(x.id, hashedEmbedding(x.text, 256));
  let hit = 0;
  let total = 0;
  let exactMs = 0;
  let hnswMs2 = 0;
  const questions = asked.map((q) => q.text);
  for (const q of questions.slice(0, 200)) {
    const v = hashedEmbedding(q, 256);
    t = performance.now();
    const truth = exact.search(v, K);
    exactMs += performance.now() - t;
    t = performance.now();
    const got = new Set(recall.t3.searchVector(PARTITION, v, K).map((h) => h.id));
    hnswMs2 += performance.now() - t;
    for (const h of truth) {
      total++;
      if (got.has(h.id)) hit++;
    }
  }
  const m = Math.min(200, questions.length);
  console.log(`T3 index (${recall.t3.stats(PARTITION).kind}) recall@${K} vs exact: ${(hit / total).toFixed(3)} over ${m} queries; mean search ${(hnswMs2 / m).toFixed(2)} ms vs exact ${(exactMs / m).toFixed(2)} ms (${(exactMs / hnswMs2).toFixed(1)}x)`);
  await service.close();
  baseDb.close();
}

try {
  if (Number(values.sessions) > 0) await quality();
  if (Number(values.memories) > 0) await scale();
} finally {
  await workers.close();
  rmSync(dir, { recursive: true, force: true });
}
