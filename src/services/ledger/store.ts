// The ledger's writer: one append-only segment file of framed records,
// opened under an exclusive lock, with group commit (appends that arrive
// while a durable write is in flight go out together in the next one).
// An append resolves only after its record is durable: log first, act second.

import { statSync, constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../lib/private-files.ts';
import type { Logger } from '../../runtime/log.ts';
import { silentLogger } from '../../runtime/log.ts';
import type { LedgerApi, LedgerEntry, LedgerEvent, LedgerMark } from './types.ts';
import { latestCheckpoint, publishCheckpoint, type StoredCheckpoint } from './checkpoint.ts';
import { SEAL_ACTION, SEAL_KIND, SYSTEM_AGENT, buildEntry, isSeal } from './entry.ts';
import { Frontier, leafHash } from './merkle.ts';
import type { NoteSigner } from './note.ts';
import { checkCheckpoints, readFrom, readLedger, SEGMENT_FILE } from './read.ts';
import { HEADER_BYTES, MAGIC, scanRecords, writeHeader, type ScanResult } from './records.ts';
import { replayRecords, type Partition } from './replay.ts';
import { readSnapshot, writeSnapshot } from './snapshot.ts';
import { LOCK_FILE, releaseWriterLock, takeWriterLock, type Takeover, type WriterLock } from './writer-lock.ts';

export interface StoreOptions {
  log?: Logger;
  now?: () => Date;
}

interface Waiter {
  entry: LedgerEntry;
  leaf: Buffer;
  resolve(entry: LedgerEntry): void;
  reject(error: unknown): void;
}

function corrupt(file: string, reason: string, seq: number, offset: number): OctantError {
  return new OctantError('E_LEDGER_CORRUPT', `${file}: ${reason} (seq ${seq}, byte offset ${offset})`, { hint: "run 'octant ledger verify' for the full report" });
}

interface RecoveredState {
  scan: ScanResult;
  fileSize: number;
  frontier: Frontier;
  partitions: Map<string, Partition>;
}

/** Rebuild the writer's state: snapshot + tail when there is a snapshot, else a full replay. */
function recoverState(dir: string, path: string): RecoveredState {
  const snap = readSnapshot(dir);
  if (snap === undefined) {
    const full = readLedger(dir);
    if (full.scan.problem?.kind === 'corrupt') throw corrupt(path, full.scan.problem.reason, full.scan.records.length, full.scan.problem.offset);
    if (full.replay.problem !== undefined) throw corrupt(path, full.replay.problem.reason, full.replay.problem.seq, full.replay.problem.offset);
    const cp = checkCheckpoints(full);
    if (cp !== undefined) throw new OctantError('E_LEDGER_TRUNCATED', `${path}: ${cp.reason}`);
    return { scan: full.scan, fileSize: full.fileSize, frontier: full.replay.tree.frontier(), partitions: full.replay.partitions };
  }
  let fileSize = 0;
  try {
    fileSize = statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (fileSize < snap.end) {
    throw new OctantError('E_LEDGER_TRUNCATED', `${path}: truncated: the snapshot covers ${snap.end} bytes (${snap.size} entries) but the segment holds ${fileSize}`);
  }
  const scan = scanRecords(readFrom(path, false, snap.end), snap.end);
  if (scan.problem?.kind === 'corrupt') throw corrupt(path, scan.problem.reason, snap.size + scan.records.length, scan.problem.offset);
  const problem = replayRecords(scan.records, snap.size, snap.partitions, snap.frontier);
  if (problem !== undefined) throw corrupt(path, problem.reason, problem.seq, problem.offset);
  const latest = latestCheckpoint(dir);
  if (latest !== undefined && (latest.size > snap.frontier.size || (latest.size === snap.frontier.size && !latest.root.equals(snap.frontier.root())))) {
    throw new OctantError('E_LEDGER_TRUNCATED', `${path}: truncated or rewritten: checkpoint ${latest.path} (size ${latest.size}) does not match the log (size ${snap.frontier.size})`);
  }
  return { scan, fileSize, frontier: snap.frontier, partitions: snap.partitions };
}

export class LedgerStore implements LedgerApi {
  readonly dir: string;
  /** The tree's right edge over the durable entries only. */
  private readonly frontier: Frontier;
  private readonly partitions: Map<string, Partition>;
  private readonly log: Logger;
  private readonly now: () => Date;
  private file: FileHandle;
  private readonly lock: WriterLock;
  private position: number;
  private nextSeq: number;
  private pending: Buffer[] = [];
  private waiters: Waiter[] = [];
  private writing: Promise<void> | undefined;
  private broken: OctantError | undefined;
  private closed = false;
  private lastMs = Number.NaN;
  private lastTime = '';
  private committed = 0;
  /** Byte offset just past the last queued record (durable or not). */
  private queuedEnd: number;

  private constructor(dir: string, file: FileHandle, lock: WriterLock, state: { frontier: Frontier; partitions: Map<string, Partition>; end: number }, options: StoreOptions) {
    this.dir = dir;
    this.file = file;
    this.lock = lock;
    this.frontier = state.frontier;
    this.partitions = state.partitions;
    this.position = state.end;
    this.queuedEnd = state.end;
    this.nextSeq = state.frontier.size;
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Open for append. Checked at open: the frame and CRC of every record
   * after the snapshot (all of them without one), those entries' seqs and
   * partition chains, and that no stored checkpoint is larger than the log
   * (roots too on a full replay). A torn tail (crash mid-write) is cut off,
   * logged and recorded; any other damage refuses to open (fail closed) and
   * names the position. The full check is `octant ledger verify`.
   */
  static async open(dir: string, options: StoreOptions = {}): Promise<LedgerStore> {
    // Owner-only: entries name agents, targets and decisions (lib/private-files.ts).
    makePrivateDir(dir);
    const lock = takeWriterLock(dir);
    let file: FileHandle | undefined;
    try {
      const path = join(dir, SEGMENT_FILE);
      const state = recoverState(dir, path);
      const { scan } = state;
      // O_DSYNC: a write returns once its bytes (and the size needed to read
      // them back) are on stable storage, as write + fdatasync would, in one
      // system call and one trip through libuv's thread pool instead of two
      // (a single append waits ~0.4 ms instead of ~0.5 on this disk;
      // docs/ledger.md, "Group commit").
      file = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_DSYNC, PRIVATE_FILE_MODE);
      await file.chmod(PRIVATE_FILE_MODE); // whatever the umask, and for a segment an older release made 0644
      // Everything past the last good record is a torn tail (corruption was refused above).
      const dropped = state.fileSize - scan.end;
      let end = scan.end;
      if (end === 0) {
        await file.truncate(0);
        await file.write(MAGIC, 0, MAGIC.length, 0);
        end = MAGIC.length;
      } else if (dropped > 0) {
        await file.truncate(end);
      }
      await file.datasync();
      const store = new LedgerStore(dir, file, lock, { frontier: state.frontier, partitions: state.partitions, end }, options);
      if (lock.takeover !== undefined) await store.recordTakeover(lock.takeover);
      if (dropped > 0) await store.recordRecovery(dropped, scan.end, scan.problem?.reason ?? 'torn tail');
      return store;
    } catch (error) {
      await file?.close();
      releaseWriterLock(lock);
      throw error;
    }
  }

  /** The lock file named a writer that died without letting go (writer-lock.ts): say whose it was and why it was taken. */
  private async recordTakeover(takeover: Takeover): Promise<void> {
    const detail = { previousPid: takeover.previous.pid, previousStart: takeover.previous.start ?? null, previousBoot: takeover.previous.boot ?? null, reason: takeover.reason };
    this.log.warn('ledger writer lock taken over', detail);
    await this.append({ agent: SYSTEM_AGENT, lineage: [], kind: 'system', action: 'ledger.lock-takeover', target: LOCK_FILE, decision: 'info', detail });
  }

  private async recordRecovery(dropped: number, offset: number, reason: string): Promise<void> {
    this.log.warn('ledger torn tail repaired', { droppedBytes: dropped, offset, reason });
    await this.append({
      agent: SYSTEM_AGENT,
      lineage: [],
      kind: 'system',
      action: 'ledger.recover',
      target: SEGMENT_FILE,
      decision: 'info',
      detail: { droppedBytes: dropped, offset, reason },
    });
  }

  /** Where the next append goes (LedgerServiceApi.mark). */
  mark(): LedgerMark {
    return { seq: this.nextSeq, offset: this.queuedEnd };
  }

  /** Group commits (durable writes) done so far. */
  get commits(): number {
    return this.committed;
  }

  /** Number of durable entries. */
  get size(): number {
    return this.frontier.size;
  }

  append(event: LedgerEvent): Promise<LedgerEntry> {
    // Not an async function: that would wrap the returned promise in one
    // more promise per append; errors still come back as rejections.
    try {
      return this.enqueue(event);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The time of an entry appended now (toISOString only when the millisecond changed). */
  private timestamp(): string {
    const now = this.now();
    const ms = now.getTime();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastTime = now.toISOString();
    }
    return this.lastTime;
  }

  private enqueue(event: LedgerEvent): Promise<LedgerEntry> {
    // Everything up to the queueing runs synchronously, so entries take
    // their seq (and their place in the file) in call order.
    if (this.closed) throw new OctantError('E_LEDGER_CLOSED', 'ledger: append after close');
    if (this.broken !== undefined) throw this.broken;
    const part = this.partitions.get(event.agent);
    // buildEntry validates the event (naming the field) before anything else.
    const { entry, bytes, record } = buildEntry(event, this.nextSeq, this.timestamp(), part?.last ?? '', HEADER_BYTES);
    if (part?.sealed === true) {
      throw new OctantError('E_LEDGER_SEALED', `ledger: partition of agent ${event.agent} is sealed; no appends after its seal`, { exit: EXIT.denied });
    }
    const leaf = leafHash(bytes);
    this.nextSeq++;
    this.partitions.set(event.agent, { last: leaf.toString('hex'), count: (part?.count ?? 0) + 1, sealed: isSeal(entry) });
    this.pending.push(writeHeader(record));
    this.queuedEnd += record.length;
    const done = new Promise<LedgerEntry>((resolve, reject) => this.waiters.push({ entry, leaf, resolve, reject }));
    // Start the write at the end of this event-loop iteration (setImmediate
    // runs after the callbacks of the current poll phase and all their
    // microtasks), so every append made in the meantime joins it: all the
    // appenders a finished batch just woke, every request that arrived in
    // the same poll, and the appends one request makes a few awaits apart
    // (the router's decision and the vault's access entry for the same
    // call share one flush). A microtask would start it before the second.
    this.writing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return done;
  }

  async seal(agent: string, detail: Record<string, unknown> = {}): Promise<LedgerEntry> {
    if (agent === SYSTEM_AGENT) throw new OctantError('E_LEDGER_EVENT', 'ledger seal: the system partition cannot be sealed');
    return this.append({ agent, lineage: [], kind: SEAL_KIND, action: SEAL_ACTION, target: agent, decision: 'ok', detail });
  }

  // Group commit: one durable write (O_DSYNC) per batch of queued records.
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = Buffer.concat(this.pending);
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        let done = 0;
        while (done < batch.length) {
          const { bytesWritten } = await this.file.write(batch, done, batch.length - done, this.position + done);
          done += bytesWritten;
        }
        this.committed++;
      } catch (error) {
        // Memory is now ahead of disk: fail closed for every later append.
        this.broken = new OctantError('E_LEDGER_WRITE', `${join(this.dir, SEGMENT_FILE)}: write failed: ${(error as Error).message}`, { cause: error });
        for (const w of [...waiters, ...this.waiters]) w.reject(this.broken);
        this.waiters = [];
        this.pending = [];
        break;
      }
      this.position += batch.length;
      for (const w of waiters) {
        this.frontier.append(w.leaf);
        w.resolve(w.entry);
      }
    }
    this.writing = undefined;
  }

  /** RFC 6962 root of the durable entries. */
  root(): Buffer {
    return this.frontier.root();
  }

  /** Sign and store a checkpoint of the durable log (C2SP tlog-checkpoint). */
  publishCheckpoint(signer: NoteSigner): StoredCheckpoint {
    const checkpoint = publishCheckpoint(this.dir, this.frontier.size, this.frontier.root(), signer);
    // Snapshot only when idle: in-memory partitions then match the file.
    if (this.writing === undefined && this.broken === undefined) this.snapshot();
    return checkpoint;
  }

  private snapshot(): void {
    writeSnapshot(this.dir, { size: this.frontier.size, end: this.position, frontier: this.frontier, partitions: this.partitions });
  }

  /** Wait for queued appends, then release the file and the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writing !== undefined) await this.writing;
    if (this.broken === undefined) this.snapshot();
    await this.file.close();
    releaseWriterLock(this.lock);
  }
}
