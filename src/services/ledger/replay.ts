// Replay the framed records of a segment: parse each entry, check its seq,
// its partition's hash chain (prev = hex leaf hash of the partition's
// previous entry) and seals, and rebuild the Merkle tree. The store runs it
// at open (and refuses a log that fails it); verify runs it and reports the
// first bad position.

import type { LedgerEntry } from './types.ts';
import { isSeal, parseEntry } from './entry.ts';
import { MerkleTree, leafHash } from './merkle.ts';
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
    const entry = parseEntry(payload);
    if (entry === undefined) return { seq, offset, reason: 'record is not a ledger entry' };
    // A deleted, inserted or reordered entry shows up as a seq out of place.
    if (entry.seq !== seq) return { seq, offset, reason: `entry says seq ${entry.seq} at position ${seq}` };
    const part = partitions.get(entry.agent);
    if (part?.sealed === true) return { seq, offset, reason: `entry for agent ${entry.agent} after its partition was sealed` };
    const expected = part?.last ?? '';
    if (entry.prev !== expected) {
      return { seq, offset, reason: `prev ${entry.prev.slice(0, 16) || '""'} does not match the previous entry of partition ${entry.agent} (${expected.slice(0, 16) || '""'})` };
    }
    const leaf = leafHash(payload);
    sink.append(leaf);
    partitions.set(entry.agent, { last: leaf.toString('hex'), count: (part?.count ?? 0) + 1, sealed: isSeal(entry) });
    onEntry?.(entry, offset);
  }
  return undefined;
}

/** Replay a whole segment from seq 0 into a full tree (readers, verify). */
export function replay(records: readonly StoredRecord[], keepEntries: boolean): Replay {
  const result: Replay = { tree: new MerkleTree(), partitions: new Map(), entries: [], offsets: [] };
  const keep = keepEntries
    ? (entry: LedgerEntry, offset: number) => {
        result.entries.push(entry);
        result.offsets.push(offset);
      }
    : undefined;
  const problem = replayRecords(records, 0, result.partitions, result.tree, keep);
  return problem === undefined ? result : { ...result, problem };
}
