// Replay the framed records of a segment: parse each entry, check its seq,
// its partition's hash chain (prev = hex leaf hash of the partition's
// previous entry) and seals, and rebuild the Merkle tree. The store runs it
// at open (and refuses a log that fails it); verify runs it and reports the
// first bad position.

import type { LedgerEntry } from './types.ts';
import { SEAL_ACTION, SEAL_KIND, isSeal, parseEntry } from './entry.ts';
import { decodeString, scanEntryHead } from './entry-scan.ts';
import { HASH_SIZE, MerkleTree, leafHash } from './merkle.ts';
import type { Worker } from 'node:worker_threads';
import { hashTree } from './hash-workers.ts';
import type { StoredRecord } from './records.ts';

export interface Partition {
  /** Hex leaf hash of the partition's last entry (the next entry's prev). */
  last: string;
  count: number;
  sealed: boolean;
}

export interface ReplayProblem {
  seq: number;
  offset: number;
  reason: string;
}

export interface Replay {
  tree: MerkleTree;
  partitions: Map<string, Partition>;
  /** Entries in order, when asked for (readers); empty for the store. */
  entries: LedgerEntry[];
  offsets: number[];
  problem?: ReplayProblem;
  /** With checkCrc: the first record whose CRC does not match; the replay stops before it. */
  badCrc?: number;
}

export interface LeafSink {
  append(leaf: Uint8Array): void;
}

/**
 * Replay records on top of a known state (`partitions` is updated in place;
 * the first record must be seq `firstSeq`); returns the first problem.
 */
export function replayRecords(records: readonly StoredRecord[], firstSeq: number, partitions: Map<string, Partition>, sink: LeafSink, onEntry?: (entry: LedgerEntry, offset: number) => void): ReplayProblem | undefined {
  for (let i = 0; i < records.length; i++) {
    const { offset, payload } = records[i]!;
    const seq = firstSeq + i;
    // Readers that keep entries parse them whole; the store only needs the
    // chain fields, read from the bytes (entry-scan.ts).
    const entry = onEntry === undefined ? headOf(payload) : parseEntry(payload);
    if (entry === undefined) return { seq, offset, reason: 'record is not a ledger entry' };
    // A deleted, inserted or reordered entry shows up as a seq out of place.
    if (entry.seq !== seq) return { seq, offset, reason: `entry says seq ${entry.seq} at position ${seq}` };
    const part = partitions.get(entry.agent);
    if (part?.sealed === true) return { seq, offset, reason: sealedReason(entry.agent) };
    const expected = part?.last ?? '';
    if (entry.prev !== expected) return { seq, offset, reason: prevReason(entry.prev, entry.agent, expected) };
    const leaf = leafHash(payload);
    sink.append(leaf);
    partitions.set(entry.agent, { last: leaf.toString('hex'), count: (part?.count ?? 0) + 1, sealed: isSeal(entry) });
    onEntry?.(entry as LedgerEntry, offset);
  }
  return undefined;
}

function headOf(payload: Buffer): { seq: number; agent: string; prev: string; kind: string; action: string } | undefined {
  const head = scanEntryHead(payload);
  if (head === undefined) return undefined;
  const seal = head.seal ? { kind: SEAL_KIND, action: SEAL_ACTION } : { kind: '', action: '' };
  return { seq: head.seq, agent: head.agent, prev: decodeString(payload, head.prevStart, head.prevEnd), ...seal };
}

function sealedReason(agent: string): string {
  return `entry for agent ${agent} after its partition was sealed`;
}

function prevReason(prev: string, agent: string, expected: string): string {
  return `prev ${prev.slice(0, 16) || '""'} does not match the previous entry of partition ${agent} (${expected.slice(0, 16) || '""'})`;
}

export interface ReplayOptions {
  /** Worker threads for hashing (hash-workers.ts); 0: this thread only. */
  workers?: number;
  /** Smallest chunk of leaves a worker takes (a power of two). */
  minChunk?: number;
  /** Hash workers started earlier (startHashWorkers), instead of `workers` new ones. */
  pool?: Worker[];
  /** Check the records' CRCs here (the scan was told not to); see Replay.badCrc. */
  checkCrc?: boolean;
}

/** Replay a whole segment from seq 0 into a full tree (readers, verify, open). */
export function replay(records: readonly StoredRecord[], keepEntries: boolean, options: ReplayOptions = {}): Replay {
  if (!keepEntries) return replayHeads(records, options);
  const result: Replay = { tree: new MerkleTree(), partitions: new Map(), entries: [], offsets: [] };
  const keep = (entry: LedgerEntry, offset: number) => {
    result.entries.push(entry);
    result.offsets.push(offset);
  };
  const problem = replayRecords(records, 0, result.partitions, result.tree, keep);
  return problem === undefined ? result : { ...result, problem };
}

function growInt32(a: Int32Array): Int32Array {
  const bigger = new Int32Array(2 * a.length);
  bigger.set(a);
  return bigger;
}

// HEX_PAIRS[b]: the two lowercase hex digit codes of byte b, as one number.
const HEX_PAIRS = Uint16Array.from({ length: 256 }, (_, b) => (b.toString(16).padStart(2, '0').charCodeAt(0) << 8) | b.toString(16).padStart(2, '0').charCodeAt(1));

/** Are the 64 lowercase hex digits at text[from:] the 32 bytes at bytes[at:]? (no allocation) */
function hexEquals(text: Uint8Array, from: number, bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 32; i++) {
    if (((text[from + 2 * i]! << 8) | text[from + 2 * i + 1]!) !== HEX_PAIRS[bytes[at + i]!]) return false;
  }
  return true;
}

/**
 * The same checks as replayRecords from seq 0, in two passes so hashing can
 * run on other cores: this thread reads every entry's head (seq, seal,
 * partition) while hashTree() hashes the leaves and tree; then each prev is
 * compared with the leaf hash of its partition's previous entry. The first
 * problem is the earliest position either pass finds (for one entry, seq
 * and seal problems come before prev, as in replayRecords).
 */
function replayHeads(records: readonly StoredRecord[], options: ReplayOptions): Replay {
  const n = records.length;
  const base = records[0]?.payload.buffer;
  const sharedBase = base instanceof SharedArrayBuffer;
  if (!sharedBase) for (const w of options.pool ?? []) void w.terminate();
  const starts = new Int32Array(sharedBase ? new SharedArrayBuffer(4 * Math.max(n, 1)) : new ArrayBuffer(4 * Math.max(n, 1)));
  const lengths = new Int32Array(sharedBase ? new SharedArrayBuffer(4 * Math.max(n, 1)) : new ArrayBuffer(4 * Math.max(n, 1)));
  for (let i = 0; i < n; i++) {
    starts[i] = records[i]!.payload.byteOffset;
    lengths[i] = records[i]!.payload.length;
  }
  // Partitions are numbered in order of first appearance: one Map lookup
  // per entry (agent -> number), the rest in typed arrays.
  const numbers = new Map<string, number>();
  const agents: string[] = [];
  // partLast[p]: seq of partition p's last entry so far.
  let partLast: Int32Array = new Int32Array(64);
  const partOf = new Int32Array(n);
  // Where each entry's prev JSON string lies in the segment buffer.
  const prevStarts = new Int32Array(n);
  const prevEnds = new Int32Array(n);
  const prevIndex = new Int32Array(n);
  const seals = new Uint8Array(n);
  let problem: ReplayProblem | undefined;
  // First pass: heads, seqs, seals; partitions as indexes of their last entry.
  const heads = (): void => {
    for (let seq = 0; seq < n; seq++) {
      const { offset, payload } = records[seq]!;
      const head = scanEntryHead(payload);
      if (head === undefined) return void (problem = { seq, offset, reason: 'record is not a ledger entry' });
      if (head.seq !== seq) return void (problem = { seq, offset, reason: `entry says seq ${head.seq} at position ${seq}` });
      let part = numbers.get(head.agent);
      let before = -1;
      if (part === undefined) {
        part = agents.length;
        numbers.set(head.agent, part);
        agents.push(head.agent);
        if (part === partLast.length) partLast = growInt32(partLast);
      } else {
        before = partLast[part]!;
        if (seals[before] === 1) return void (problem = { seq, offset, reason: sealedReason(head.agent) });
      }
      partOf[seq] = part;
      prevStarts[seq] = head.prevStart;
      prevEnds[seq] = head.prevEnd;
      prevIndex[seq] = before;
      seals[seq] = head.seal ? 1 : 0;
      partLast[part] = seq;
    }
  };
  const { levels, badCrc } = hashTree(n === 0 ? Buffer.alloc(0) : Buffer.from(base!), starts, lengths, n, {
    workers: sharedBase ? (options.workers ?? 0) : 0,
    pool: sharedBase ? options.pool : undefined,
    minChunk: options.minChunk,
    checkCrc: options.checkCrc,
    meanwhile: heads,
  });
  const leaves = levels[0]!;
  // Records from a bad CRC on are not part of the log (the scan ends there).
  const limit = badCrc >= 0 ? badCrc : n;
  if (problem !== undefined && problem.seq >= limit) problem = undefined;
  // Second pass: chains, up to the first head problem.
  const checked = problem?.seq ?? limit;
  for (let seq = 0; seq < checked; seq++) {
    const before = prevIndex[seq]!;
    const payload = records[seq]!.payload;
    const start = prevStarts[seq]!;
    const end = prevEnds[seq]!;
    // Canonical prev: 66 bytes ("" and 64 hex digits), or 2 for the first entry.
    if (before < 0 ? end - start === 2 : end - start === 66 && hexEquals(payload, start + 1, leaves, before * HASH_SIZE)) continue;
    const prev = decodeString(payload, start, end);
    const expected = before < 0 ? '' : leaves.toString('hex', before * HASH_SIZE, before * HASH_SIZE + HASH_SIZE);
    // Escaped spellings of the same text are equal to JSON.parse, so here too.
    if (prev === expected) continue;
    problem = { seq, offset: records[seq]!.offset, reason: prevReason(prev, agents[partOf[seq]!]!, expected) };
    break;
  }
  // What replayRecords would hold: the entries before the first problem.
  const good = problem?.seq ?? limit;
  // Counts and last entries over [0, good), in order of first appearance.
  const count = new Int32Array(agents.length);
  const lastAt = new Int32Array(agents.length);
  for (let seq = 0; seq < good; seq++) {
    const part = partOf[seq]!;
    count[part]++;
    lastAt[part] = seq;
  }
  const partitions = new Map<string, Partition>();
  for (let part = 0; part < agents.length; part++) {
    if (count[part] === 0) continue; // first seen at or after the problem
    const at = lastAt[part]!;
    partitions.set(agents[part]!, { last: leaves.toString('hex', at * HASH_SIZE, at * HASH_SIZE + HASH_SIZE), count: count[part]!, sealed: seals[at] === 1 });
  }
  let tree: MerkleTree;
  if (good === n) {
    tree = MerkleTree.fromLevels(levels, n);
  } else {
    tree = new MerkleTree();
    for (let i = 0; i < good; i++) tree.append(leaves.subarray(i * HASH_SIZE, i * HASH_SIZE + HASH_SIZE));
  }
  const result: Replay = { tree, partitions, entries: [], offsets: [], ...(badCrc >= 0 ? { badCrc } : {}) };
  return problem === undefined ? result : { ...result, problem };
}
