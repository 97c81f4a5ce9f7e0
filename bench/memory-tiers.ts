// The context store's fast tiers (docs/memory.md): get latency from T0 (the
// hot map) and T1 (the partition's SQLite file, T0 missed on purpose), with
// baselines measured in the same run: a plain Map.get and a plain SQLite
// primary-key select on a one-table copy of the same rows. Also a put's cost
// under each durability (synchronous=FULL, the default, vs NORMAL: what the
// fsync per acknowledged put costs) and a T2 full-text search.
//
//   node bench/memory-tiers.ts [--memories N] [--gets N] [--puts N] [--dir DIR]
//
// The partition is filled by one import (one transaction); the gets read
// random ids. Files go under /var/tmp (a real disk: fsync costs what it costs).

import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { createContextStore } from '../src/services/context/store/context-store.ts';
import type { ContextStoreApi } from '../src/services/context/types.ts';

const { values } = parseArgs({ options: {
  memories: { type: 'string', default: '20000' }, gets: { type: 'string', default: '20000' },
  puts: { type: 'string', default: '200' }, dir: { type: 'string', default: '/var/tmp' },
} });
const memories = Number(values.memories);
const gets = Number(values.gets);
const puts = Number(values.puts);
const dir = mkdtempSync(join(values.dir, 'octant-memory-bench-'));

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango'.split(' ');
function text(i: number): string {
  return `memory ${i}: ${WORDS[i % 20]} ${WORDS[(i * 7) % 20]} ${WORDS[(i * 13) % 20]} the user said something about item ${i % 997}`;
}

function summary(samples: number[]): { p50: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)]!, p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]! };
}

function time(n: number, fn: (i: number) => unknown): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    fn(i);
    out[i] = (performance.now() - t) * 1000;
  }
  return out;
}

async function timeAsync(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    await fn(i);
    out.push((performance.now() - t) * 1000);
  }
  return out;
}

function ids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `m${i.toString(36).padStart(8, '0')}`);
}

async function fill(store: ContextStoreApi, all: string[]): Promise<void> {
  const header = JSON.stringify({ format: 'octant-memory', version: 1, partition: 'bench', exportedAt: 0, memories: all.length });
  const lines = all.map((id, i) => JSON.stringify({
    id, kind: 'note', text: text(i), importance: 0.5, pinned: false, createdAt: i, versions: [{ validFrom: i, recordedAt: i }],
  }));
  await store.importLines('bench', [header, ...lines]);
}

try {
  const all = ids(memories);
  const order = Array.from({ length: gets }, (_, i) => all[(i * 7919) % all.length]!);
  // T0: a store whose hot map holds the ids read (capacity above the working set).
  const hot = createContextStore({ dir: join(dir, 'hot'), hotCapacity: 1024 });
  await fill(hot, all);
  const working = order.slice(0, 1000);
  for (const id of working) hot.get('bench', id);
  const t0 = summary(time(gets, (i) => hot.get('bench', working[i % working.length]!)));
  const map = new Map(working.map((id) => [id, hot.get('bench', id)]));
  const mapGet = summary(time(gets, (i) => map.get(working[i % working.length]!)));
  // T1: a hot map of one entry, so every get of a random id reads the file.
  const cold = createContextStore({ dir: join(dir, 'hot'), hotCapacity: 1 });
  const t1 = summary(time(gets, (i) => cold.get('bench', order[i]!)));
  // Baseline: the same rows in one plain table, selected by primary key.
  const plain = new DatabaseSync(join(dir, 'plain.sqlite'));
  plain.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (id TEXT PRIMARY KEY, text TEXT, importance REAL)');
  const ins = plain.prepare('INSERT INTO t VALUES (?, ?, 0.5)');
  plain.exec('BEGIN');
  all.forEach((id, i) => ins.run(id, text(i)));
  plain.exec('COMMIT');
  const sel = plain.prepare('SELECT * FROM t WHERE id = ?');
  const sqliteGet = summary(time(gets, (i) => sel.get(order[i]!)));
  // T2: a search of two words.
  const t2 = summary(await timeAsync(200, (i) => hot.search('bench', `${WORDS[i % 20]} item ${i % 997}`, { k: 10 })));
  // Put under each durability, and a plain SQLite insert-commit with FULL as the floor,
  // interleaved (one of each in turn) so that all three see the same disk: fsync
  // latency on a shared disk drifts over seconds.
  const putFull = createContextStore({ dir: join(dir, 'full'), durability: 'full' });
  const putNormal = createContextStore({ dir: join(dir, 'normal'), durability: 'normal' });
  plain.exec('PRAGMA synchronous = FULL');
  const fullSamples: number[] = [];
  const normalSamples: number[] = [];
  const plainSamples: number[] = [];
  for (let i = 0; i < puts; i += 1) {
    fullSamples.push(...(await timeAsync(1, () => putFull.put('bench', { kind: 'note', text: text(i) }))));
    normalSamples.push(...(await timeAsync(1, () => putNormal.put('bench', { kind: 'note', text: text(i) }))));
    plainSamples.push(...time(1, () => ins.run(`x${i}`, text(i))));
  }
  const full = summary(fullSamples);
  const normal = summary(normalSamples);
  const plainFull = summary(plainSamples);
  plain.close();
  for (const s of [hot, cold, putFull, putNormal]) await s.close();

  const fmt = (us: number): string => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(2)} µs`);
  const row = (name: string, s: { p50: number; p95: number }, base?: { p50: number } | 'none'): string =>
    `| ${name} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${base === undefined ? '1x' : base === 'none' ? '—' : `${(s.p50 / base.p50).toFixed(1)}x`} |`;
  console.log(`memory tiers: ${memories} memories, ${gets} gets, ${puts} puts, files in ${values.dir}`);
  console.log('| operation | p50 | p95 | p50 vs baseline |');
  console.log('|---|---|---|---|');
  console.log(row('baseline: Map.get', mapGet));
  console.log(row('T0 get (hot map)', t0, mapGet));
  console.log(row('baseline: SQLite select by primary key', sqliteGet));
  console.log(row('T1 get (T0 missed)', t1, sqliteGet));
  console.log(row('T2 search, k=10 (no baseline)', t2, 'none'));
  console.log(row('baseline: SQLite insert, WAL, synchronous=FULL', plainFull));
  console.log(row('put, durability full (default)', full, plainFull));
  console.log(row('put, durability normal', normal, plainFull));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
