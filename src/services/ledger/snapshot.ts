// The store's open-time shortcut: `ledger.state` records, for a prefix of
// the segment that was durable when it was written, the entry count, the
// byte offset where that prefix ends, the tree's frontier and each
// partition's chain head. Open replays only the records after it, so boot
// time follows the tail since the last snapshot, not the log's size.
// It is a cache, never the authority: `octant ledger verify` ignores it and
// checks the whole segment, and a snapshot pointing past the end of the
// segment refuses to open (truncation).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { OctantError } from '../../lib/errors.ts';
import { Frontier } from './merkle.ts';
import type { Partition } from './replay.ts';

export const SNAPSHOT_FILE = 'ledger.state';

export interface Snapshot {
  size: number;
  end: number;
  frontier: Frontier;
  partitions: Map<string, Partition>;
}

interface SnapshotJson {
  version: 1;
  size: number;
  end: number;
  frontier: string[];
  partitions: [string, string, number, boolean][];
}

export function writeSnapshot(dir: string, s: Snapshot): void {
  const json: SnapshotJson = {
    version: 1,
    size: s.size,
    end: s.end,
    frontier: s.frontier.hashes(),
    partitions: [...s.partitions].map(([agent, p]) => [agent, p.last, p.count, p.sealed]),
  };
  const path = join(dir, SNAPSHOT_FILE);
  writeFileAtomic(path, JSON.stringify(json));
}

/** The snapshot, or undefined when there is none (first open). */
export function readSnapshot(dir: string): Snapshot | undefined {
  const path = join(dir, SNAPSHOT_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const json = JSON.parse(text) as SnapshotJson;
    if (json.version !== 1 || !Number.isSafeInteger(json.size) || !Number.isSafeInteger(json.end)) throw new Error('bad header');
    return {
      size: json.size,
      end: json.end,
      frontier: new Frontier(json.size, json.frontier.map((h) => Buffer.from(h, 'hex'))),
      partitions: new Map(json.partitions.map(([agent, last, count, sealed]) => [agent, { last, count, sealed }])),
    };
  } catch (error) {
    throw new OctantError('E_LEDGER_SNAPSHOT', `${path}: unreadable (${(error as Error).message})`, {
      hint: `remove ${path} to replay the whole segment at the next open`,
    });
  }
}
