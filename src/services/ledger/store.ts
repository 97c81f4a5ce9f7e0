// The ledger's writer: one append-only segment file of framed records,
// opened under an exclusive lock, with group commit (appends that arrive
// while a write+fdatasync is in flight go out together in the next one).
// An append resolves only after its record is durable: log first, act second.

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync, constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import type { Logger } from '../../runtime/log.ts';
import { silentLogger } from '../../runtime/log.ts';
import type { LedgerApi, LedgerEntry, LedgerEvent } from './types.ts';
import { publishCheckpoint, type StoredCheckpoint } from './checkpoint.ts';
import { SEAL_ACTION, SEAL_KIND, SYSTEM_AGENT, buildEntry, validateEvent } from './entry.ts';
import { leafHash, type MerkleTree } from './merkle.ts';
import type { NoteSigner } from './note.ts';
import { checkCheckpoints, readLedger, SEGMENT_FILE } from './read.ts';
import { MAGIC, frame } from './records.ts';
import type { Partition } from './replay.ts';

export interface StoreOptions {
  log?: Logger;
  now?: () => Date;
}

interface Waiter {
  entry: LedgerEntry;
  resolve(entry: LedgerEntry): void;
  reject(error: unknown): void;
}

/** Take the directory's writer lock (O_EXCL lock file holding our pid); a dead holder's lock is taken over. */
function takeLock(dir: string): string {
  const lock = join(dir, 'ledger.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return lock;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new OctantError('E_LEDGER_LOCKED', `${lock}: the ledger is open for writing by pid ${holder}`, {
        exit: EXIT.unavailable,
        hint: 'only one writer at a time; read-only commands work meanwhile',
      });
    }
    unlinkSync(lock); // holder died (crash): its lock is stale
  }
  throw new OctantError('E_LEDGER_LOCKED', `${lock}: could not take the writer lock`, { exit: EXIT.unavailable });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LedgerStore implements LedgerApi {
  readonly dir: string;
  private readonly tree: MerkleTree;
  private readonly partitions: Map<string, Partition>;
  private readonly log: Logger;
  private readonly now: () => Date;
  private file: FileHandle;
  private lock: string;
  private position: number;
  private nextSeq: number;
  private durable: number;
  private pending: Buffer[] = [];
  private waiters: Waiter[] = [];
  private writing: Promise<void> | undefined;
  private broken: OctantError | undefined;
  private closed = false;

  private constructor(dir: string, file: FileHandle, lock: string, state: { tree: MerkleTree; partitions: Map<string, Partition>; end: number }, options: StoreOptions) {
    this.dir = dir;
    this.file = file;
    this.lock = lock;
    this.tree = state.tree;
    this.partitions = state.partitions;
    this.position = state.end;
    this.nextSeq = state.tree.size;
    this.durable = state.tree.size;
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Open for append. Checked at open: every record's frame and CRC, every
   * entry's seq and partition chain, and every stored checkpoint's size and
   * root. A torn tail (crash mid-write) is cut off, logged and recorded; any
   * other damage refuses to open (fail closed) and names the position.
   */
  static async open(dir: string, options: StoreOptions = {}): Promise<LedgerStore> {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const lock = takeLock(dir);
    let file: FileHandle | undefined;
    try {
      const snap = readLedger(dir);
      const { scan, replay: state } = snap;
      if (scan.problem?.kind === 'corrupt') {
        throw new OctantError('E_LEDGER_CORRUPT', `${snap.file}: ${scan.problem.reason} at byte offset ${scan.problem.offset} (seq ${scan.records.length})`, {
          hint: "run 'octant ledger verify' for the full report",
        });
      }
      if (state.problem !== undefined) {
        throw new OctantError('E_LEDGER_CORRUPT', `${snap.file}: ${state.problem.reason} (seq ${state.problem.seq}, byte offset ${state.problem.offset})`, {
          hint: "run 'octant ledger verify' for the full report",
        });
      }
      const cp = checkCheckpoints(snap);
      if (cp !== undefined) throw new OctantError('E_LEDGER_TRUNCATED', `${snap.file}: ${cp.reason}`);
      file = await open(snap.file, constants.O_RDWR | constants.O_CREAT, 0o644);
      // Everything past the last good record is a torn tail (corruption was refused above).
      const dropped = snap.fileSize - scan.end;
      let end = scan.end;
      if (end === 0) {
        await file.truncate(0);
        await file.write(MAGIC, 0, MAGIC.length, 0);
        end = MAGIC.length;
      } else if (dropped > 0) {
        await file.truncate(end);
      }
      await file.datasync();
      const store = new LedgerStore(dir, file, lock, { tree: state.tree, partitions: state.partitions, end }, options);
      if (dropped > 0) await store.recordRecovery(dropped, scan.end, scan.problem?.reason ?? 'torn tail');
      return store;
    } catch (error) {
      await file?.close();
      unlinkSync(lock);
      throw error;
    }
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

  /** Number of durable entries. */
  get size(): number {
    return this.durable;
  }

  async append(event: LedgerEvent): Promise<LedgerEntry> {
    // Everything up to the queueing runs synchronously, so entries take
    // their seq (and their place in the file) in call order.
    if (this.closed) throw new OctantError('E_LEDGER_CLOSED', 'ledger: append after close');
    if (this.broken !== undefined) throw this.broken;
    validateEvent(event);
    const part = this.partitions.get(event.agent);
    if (part?.sealed === true) {
      throw new OctantError('E_LEDGER_SEALED', `ledger: partition of agent ${event.agent} is sealed; no appends after its seal`, { exit: EXIT.denied });
    }
    const { entry, bytes } = buildEntry(event, this.nextSeq, this.now().toISOString(), part?.last ?? '');
    const leaf = leafHash(bytes);
    this.tree.append(leaf);
    this.nextSeq++;
    this.partitions.set(event.agent, { last: leaf.toString('hex'), count: (part?.count ?? 0) + 1, sealed: event.kind === SEAL_KIND && event.action === SEAL_ACTION });
    this.pending.push(frame(bytes));
    const done = new Promise<LedgerEntry>((resolve, reject) => this.waiters.push({ entry, resolve, reject }));
    this.writing ??= this.flush();
    return done;
  }

  async seal(agent: string, detail: Record<string, unknown> = {}): Promise<LedgerEntry> {
    if (agent === SYSTEM_AGENT) throw new OctantError('E_LEDGER_EVENT', 'ledger seal: the system partition cannot be sealed');
    return this.append({ agent, lineage: [], kind: SEAL_KIND, action: SEAL_ACTION, target: agent, decision: 'ok', detail });
  }

  // Group commit: one write and one fdatasync per batch of queued records.
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
        await this.file.datasync();
      } catch (error) {
        // Memory is now ahead of disk: fail closed for every later append.
        this.broken = new OctantError('E_LEDGER_WRITE', `${join(this.dir, SEGMENT_FILE)}: write failed: ${(error as Error).message}`, { cause: error });
        for (const w of [...waiters, ...this.waiters]) w.reject(this.broken);
        this.waiters = [];
        this.pending = [];
        break;
      }
      this.position += batch.length;
      this.durable += waiters.length;
      for (const w of waiters) w.resolve(w.entry);
    }
    this.writing = undefined;
  }

  root(size = this.durable): Buffer {
    return this.tree.root(this.durableSize(size));
  }

  inclusionProof(seq: number, size = this.durable): Buffer[] {
    return this.tree.inclusionProof(seq, this.durableSize(size));
  }

  consistencyProof(size1: number, size2 = this.durable): Buffer[] {
    return this.tree.consistencyProof(size1, this.durableSize(size2));
  }

  private durableSize(size: number): number {
    if (size > this.durable) throw new OctantError('E_LEDGER_PROOF', `tree size ${size} is beyond the ${this.durable} durable entries`);
    return size;
  }

  /** Sign and store a checkpoint of the durable tree (C2SP tlog-checkpoint). */
  publishCheckpoint(signer: NoteSigner): StoredCheckpoint {
    return publishCheckpoint(this.dir, this.tree, this.durable, signer);
  }

  /** Wait for queued appends, then release the file and the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writing !== undefined) await this.writing;
    await this.file.close();
    unlinkSync(this.lock);
  }
}
