// Every RFC 6962 hash of a whole segment (leaf hashes and all complete
// tree levels), split over worker threads so a full verify uses every
// core: hashing is most of its cost (the workers check the records' CRCs
// too, when asked). The calling thread meanwhile does the
// rest of the replay (entry heads, seqs, chains), then waits here.
//
// The workers run the source text of createOpenSslHash, hashRange and
// firstBadCrc (sha256.ts, all self-contained) with eval, so they work from
// the bundled single executable too. Results land in SharedArrayBuffers;
// completion is an Atomics flag per worker, so the whole thing stays
// synchronous for the synchronous readers (open, verify). Chunks are claimed
// from a shared counter by the workers and, after its own part, by this
// thread. A chunk whose worker fails or does not report in time is hashed
// here instead: the result never depends on the workers, only the speed does.
//
// What a worker may load (WORKER_BUILTINS, checked by hash-workers.test.ts):
// in dist/octant, Node creates a worker's isolate from the executable's
// startup snapshot (node_worker.cc passes the main isolate's snapshot data),
// so the per-isolate templates that builtins loaded while the snapshot was
// built created are already set, but the worker's context is Node's bare
// base context, where those builtins never ran. Loading such a builtin in a
// worker runs its binding's setup a second time, which asserts the template
// is still empty and aborts the whole process: node:crypto (in the snapshot,
// src/runtime/startup-snapshot.ts) dies on its KeyObject template, node:net
// and everything on it (http, tls, child_process) on the stream templates.
// That was `octant ledger verify` aborting with SIGABRT on ledgers of 4 MiB
// and more (the size from which workers start): the worker's fallback hasher
// loaded node:crypto. Whether it aborted depended on whether the worker got
// that far before this thread had hashed everything and terminated it.
// The source runs from Node (`node --test`) without a snapshot, so only
// tests that drive dist/octant see this (test/integration/ledger-executable.test.ts).

import { Worker } from 'node:worker_threads';
import { createOpenSslHash, firstBadCrc, hashRange, prefixedHash } from './sha256.ts';

export interface HashPlan {
  /** Worker threads to use; 0 hashes everything on this thread. */
  workers: number;
  /** Leaves per worker chunk are a power of two at least this large. */
  minChunk?: number;
  /** Workers started earlier with startHashWorkers() (used instead of starting `workers` new ones). */
  pool?: Worker[];
  /** Also check each record's CRC-32 (stored in the 4 bytes before its payload). */
  checkCrc?: boolean;
  /** Runs on this thread between starting the workers and waiting for them. */
  meanwhile?: () => void;
}

export interface HashedTree {
  /** Level h: the floor(n / 2^h) complete nodes, 32 bytes each (level 0: leaf hashes). */
  levels: Buffer[];
  /** First record whose CRC does not match, or -1 (always -1 unless checkCrc). */
  badCrc: number;
}

/** How long to wait for a worker before hashing its range here. */
const WORKER_PATIENCE_MS = 30_000;

/** The only builtins the worker source loads: none is in the snapshot's set that breaks a worker (see top). */
export const WORKER_BUILTINS = ['node:worker_threads', 'node:ffi', 'node:zlib'] as const;

// A worker gets ready (boots, loads its builtins, builds its hasher) before
// the segment is even read, then waits for one job message; SharedArrayBuffers
// in it are shared, not copied. Without node:ffi there is no hasher to build
// without node:crypto, so the worker claims nothing and exits: this thread
// hashes every chunk.
export const WORKER_SOURCE = `
const { parentPort } = process.getBuiltinModule('node:worker_threads');
process.getBuiltinModule('node:zlib');
const hashRange = ${hashRange.toString()};
const firstBadCrc = ${firstBadCrc.toString()};
let hasher;
try {
  hasher = (${createOpenSslHash.toString()})();
} catch {}
if (hasher === undefined) parentPort.close();
else parentPort.once('message', (d) => {
  const done = new Int32Array(d.done);
  const bad = new Int32Array(d.bad);
  const next = new Int32Array(d.next);
  const buf = Buffer.from(d.buf);
  const starts = new Int32Array(d.starts);
  const lengths = new Int32Array(d.lengths);
  const levels = d.levels.map((l) => Buffer.from(l));
  for (;;) {
    const slot = Atomics.add(next, 0, 1);
    if (slot >= d.ranges.length) break;
    let state = 2;
    try {
      const { from, to } = d.ranges[slot];
      if (d.checkCrc) bad[slot] = firstBadCrc(buf, starts, lengths, from, to);
      hashRange(hasher, buf, starts, lengths, levels, from, to, d.top);
      state = 1;
    } finally {
      Atomics.store(done, slot, state);
      Atomics.notify(done, slot);
    }
  }
  parentPort.close();
});`;

/** Start hash workers now, to be handed to hashTree() later (they exit after one job). */
export function startHashWorkers(count: number): Worker[] {
  const started: Worker[] = [];
  for (let w = 0; w < count; w++) {
    try {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      // Failures show up as a chunk's flag (2) or as silence, never as a crash here.
      worker.on('error', () => {});
      started.push(worker);
    } catch {
      break; // the calling thread claims what no worker does
    }
  }
  return started;
}

/** Size of each level of a tree of n leaves (complete nodes only). */
function levelCounts(n: number): number[] {
  const counts: number[] = [];
  for (let c = n; c >= 1; c = Math.floor(c / 2)) counts.push(c);
  return counts;
}

function shared(bytes: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(Math.max(bytes, 1)), 0, bytes);
}

/**
 * Hash leaves 0..n-1 (leaf i is buf[starts[i]:starts[i]+lengths[i]]) and
 * every complete node above them. `buf`, `starts` and `lengths` must live
 * on SharedArrayBuffers when workers are asked for. Returns level buffers
 * (level h: floor(n / 2^h) hashes of 32 bytes).
 */
export function hashTree(buf: Buffer, starts: Int32Array, lengths: Int32Array, n: number, plan: HashPlan): HashedTree {
  const counts = levelCounts(n);
  const levels = counts.map((c) => shared(c * 32));
  const workers = n === 0 ? 0 : Math.max(0, Math.floor(plan.workers));
  // Chunks are aligned powers of two so each one holds whole subtrees.
  // Every thread (this one too, once its own part is done) claims the next
  // unclaimed chunk, so whichever is faster does more; enough chunks that
  // the last one claimed does not leave the others idle for long.
  let chunk = 2 ** Math.ceil(Math.log2(Math.max(1, plan.minChunk ?? 1024)));
  while (Math.ceil(n / chunk) > 16 * (workers + 1)) chunk *= 2;
  const top = Math.log2(chunk);
  const ranges: Array<{ from: number; to: number }> = [];
  for (let from = 0; from < n; from += chunk) ranges.push({ from, to: Math.min(n, from + chunk) });
  const slots = Math.max(ranges.length, 1);
  const done = new Int32Array(new SharedArrayBuffer(4 * slots));
  const bad = new Int32Array(new SharedArrayBuffer(4 * slots)).fill(-1);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const checkCrc = plan.checkCrc === true;
  const pool = plan.pool ?? (ranges.length > 1 ? startHashWorkers(workers) : []);
  const job = { buf: buf.buffer, starts: starts.buffer, lengths: lengths.buffer, levels: levels.map((l) => l.buffer), done: done.buffer, bad: bad.buffer, next: next.buffer, checkCrc, ranges, top };
  for (const worker of pool) {
    try {
      worker.postMessage(job);
    } catch {
      void worker.terminate(); // its chunks are claimed by the others or here
    }
  }
  plan.meanwhile?.();
  const hasher = prefixedHash();
  const hashHere = (slot: number): void => {
    const { from, to } = ranges[slot]!;
    if (checkCrc) bad[slot] = firstBadCrc(buf, starts, lengths, from, to);
    hashRange(hasher, buf, starts, lengths, levels, from, to, top);
    done[slot] = 1;
  };
  for (let slot = Atomics.add(next, 0, 1); slot < ranges.length; slot = Atomics.add(next, 0, 1)) hashHere(slot);
  const deadline = Date.now() + WORKER_PATIENCE_MS;
  for (let slot = 0; slot < ranges.length; slot++) {
    while (Atomics.load(done, slot) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(done, slot, 0, left);
    }
    if (Atomics.load(done, slot) !== 1) hashHere(slot);
  }
  for (const w of pool) void w.terminate();
  // Levels above the chunks: few nodes, hashed here.
  for (let h = top + 1; h < levels.length; h++) {
    for (let j = 0; j < counts[h]!; j++) hasher(0x01, levels[h - 1]!, 2 * j * 32, 2 * j * 32 + 64, levels[h]!, j * 32);
  }
  return { levels, badCrc: bad.find((i) => i >= 0) ?? -1 };
}

