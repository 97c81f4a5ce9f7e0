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

export function replay(records: readonly StoredRecord[], keepEntries: boolean): Replay {
  const tree = new MerkleTree();
  const partitions = new Map<string, Partition>();
  const entries: LedgerEntry[] = [];
  const offsets: number[] = [];
  const result: Replay = { tree, partitions, entries, offsets };
  for (let i = 0; i < records.length; i++) {
    const { offset, payload } = records[i]!;
    const stop = (reason: string): Replay => ({ ...result, problem: { seq: i, offset, reason } });
    const entry = parseEntry(payload);
    if (entry === undefined) return stop('record is not a ledger entry');
    // A deleted, inserted or reordered entry shows up as a seq out of place.
    if (entry.seq !== i) return stop(`entry says seq ${entry.seq} at position ${i}`);
    const part = partitions.get(entry.agent);
    if (part?.sealed === true) return stop(`entry for agent ${entry.agent} after its partition was sealed`);
    const expected = part?.last ?? '';
    if (entry.prev !== expected) return stop(`prev ${entry.prev.slice(0, 16) || '""'} does not match the previous entry of partition ${entry.agent} (${expected.slice(0, 16) || '""'})`);
    const leaf = leafHash(payload);
    tree.append(leaf);
    partitions.set(entry.agent, { last: leaf.toString('hex'), count: (part?.count ?? 0) + 1, sealed: isSeal(entry) });
    if (keepEntries) {
      entries.push(entry);
      offsets.push(offset);
    }
  }
  return result;
}
