// Read a ledger directory without opening it for append: the CLI and the
// verifier use this offline, and the store uses it at open.

import { closeSync, fdatasyncSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Paths } from '../../runtime/paths.ts';
import { listCheckpoints, type StoredCheckpoint } from './checkpoint.ts';
import { parseEntry } from './entry.ts';
import { checksumFailure, MAGIC, scanRecords, type ScanResult } from './records.ts';
import { replay, type Replay } from './replay.ts';
import { startHashWorkers } from './hash-workers.ts';
import type { LedgerEntry, LedgerMark } from './types.ts';

export const SEGMENT_FILE = 'ledger.log';

export function ledgerDir(paths: Paths): string {
  return join(paths.state, 'ledger');
}

export interface LedgerSnapshot {
  dir: string;
  file: string;
  fileSize: number;
  scan: ScanResult;
  replay: Replay;
  checkpoints: StoredCheckpoint[];
}

export interface ReadOptions {
  keepEntries?: boolean;
  /** fdatasync before reading, so everything read is durable (checkpointing). */
  sync?: boolean;
  /** Worker threads to hash with (default: one per core beyond this one, at least 1, from PARALLEL_FROM_BYTES). */
  workers?: number;
  /** Smallest chunk of entries a hash worker takes. */
  minChunk?: number;
}

/**
 * Below this segment size (about 16,000 entries) a full replay hashes on
 * the calling thread: a worker takes ~30 ms to start. Above it, one worker
 * per core beyond the calling thread (which reads entry heads meanwhile).
 */
export const PARALLEL_FROM_BYTES = 4 * 1024 * 1024;

/** The file's bytes from `from` on (empty when it does not exist). */
export function readFrom(file: string, sync: boolean, from = 0, shared = false): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  }
  try {
    if (sync) fdatasyncSync(fd);
    const size = Math.max(0, fstatSync(fd).size - from);
    // Shared memory lets hash workers read the segment without a copy.
    const buf = shared ? Buffer.from(new SharedArrayBuffer(Math.max(size, 1)), 0, size) : Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, from + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export function readLedger(dir: string, options: ReadOptions = {}): LedgerSnapshot {
  const file = join(dir, SEGMENT_FILE);
  // A full replay checks the CRCs in its hash workers; readers that keep
  // entries parse them one by one and check CRCs in the scan.
  const keep = options.keepEntries === true;
  // Workers take tens of milliseconds to boot: start them before reading.
  const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  const workers = keep ? 0 : (options.workers ?? (size >= PARALLEL_FROM_BYTES ? Math.max(1, availableParallelism() - 1) : 0));
  const pool = startHashWorkers(workers);
  let buf: Buffer;
  let scan: ScanResult;
  let result: Replay;
  try {
    buf = readFrom(file, options.sync === true, 0, true);
    scan = scanRecords(buf, 0, keep);
    result = replay(scan.records, keep, { workers, pool, minChunk: options.minChunk, checkCrc: !keep });
  } catch (error) {
    // Workers still waiting for their job would otherwise stay forever.
    for (const w of pool) void w.terminate();
    throw error;
  }
  if (result.badCrc !== undefined) scan = checksumFailure(scan, result.badCrc, buf.length);
  return { dir, file, fileSize: buf.length, scan, replay: result, checkpoints: listCheckpoints(dir) };
}

export interface CheckpointProblem {
  size: number;
  reason: string;
}

/** Do the stored checkpoints agree with the replayed tree? (truncation, rewrite) */
export function checkCheckpoints(snapshot: LedgerSnapshot): CheckpointProblem | undefined {
  const tree = snapshot.replay.tree;
  for (const c of snapshot.checkpoints) {
    if (c.size > tree.size) {
      return { size: c.size, reason: `truncated: checkpoint ${c.path} covers ${c.size} entries but only ${tree.size} are intact` };
    }
    if (!tree.root(c.size).equals(c.root)) {
      return { size: c.size, reason: `rewritten: the root of the first ${c.size} entries differs from checkpoint ${c.path}` };
    }
  }
  return undefined;
}

/** The mark of a ledger's first entry: forEachEntryFrom(dir, FIRST_MARK, ...) visits them all. */
export const FIRST_MARK: LedgerMark = Object.freeze({ seq: 0, offset: MAGIC.length });

/** Bytes read at a time by forEachEntryFrom: memory stays flat however long the ledger (a record is at most 64 KiB). */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Visit the entries at and after `mark` (LedgerServiceApi.mark) in order,
 * reading the segment a chunk at a time, without the writer lock; `visit`
 * returns false to stop early. Returns false when the segment does not hold
 * entry `mark.seq` at byte `mark.offset` followed by consecutive entries
 * (another or a rewritten ledger, or damage): the entries before that point
 * were visited, none after. A mark past the end (its entries were queued,
 * then lost in a crash) visits nothing. Only whole records are read: the
 * writer appends whole records, and one still being written is left for
 * the next read. `at` is the mark of the entry visited: a reader that stops
 * there (returns false) resumes from it later, visiting that entry again.
 */
export function forEachEntryFrom(dir: string, mark: LedgerMark, visit: (entry: LedgerEntry, at: LedgerMark) => boolean | void, chunkBytes = CHUNK_BYTES): boolean {
  if (mark.offset < MAGIC.length) return false;
  let fd: number;
  try {
    fd = openSync(join(dir, SEGMENT_FILE), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(chunkBytes);
    let at = mark.offset;
    let seq = mark.seq;
    while (at < size) {
      const got = readSync(fd, buf, 0, Math.min(chunkBytes, size - at), at);
      if (got === 0) break;
      const scan = scanRecords(buf.subarray(0, got), at);
      for (const record of scan.records) {
        const entry = parseEntry(record.payload);
        if (entry === undefined || entry.seq !== seq) return false;
        seq++;
        if (visit(entry, { seq: entry.seq, offset: record.offset }) === false) return true;
      }
      if (scan.problem?.kind === 'corrupt') return false;
      // No whole record in a whole chunk: the end of the file is an unfinished record.
      if (scan.end === at) break;
      at = scan.end;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}
