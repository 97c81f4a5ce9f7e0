// The ledger directory's writer lock: at most one process appends.
//
// The lock is flock(2) on `ledger.lock`, held on an open descriptor for the
// writer's whole life: the kernel drops it when the holder dies, however it
// dies, so a crash never leaves a lock that blocks the next start. The
// file's content only says who holds (or held) it: pid, process start time
// (/proc/<pid>/stat field 22) and boot id. A pid alone cannot tell "still
// running" from "gone, pid reused": as PID 1 of a container every restart
// has the crashed run's pid, and any pid can be reused by an unrelated
// process. So who the file names decides nothing when the flock is free:
// the content left behind is reported (a takeover, recorded in the ledger
// by the store) and replaced.
//
// One exception, failing closed: a file holding only a pid is the format of
// writers from before this lock, which did not flock. If that pid is alive
// (and not ours) it may be such a writer, and the lock is refused.

import { closeSync, constants, fstatSync, ftruncateSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { openPrivate } from '../../lib/private-files.ts';
import { join } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { tryLockExclusive } from '../../kernel/libc.ts';

export const LOCK_FILE = 'ledger.lock';

/** Who holds (or held) the lock, as written in the lock file. */
export interface LockHolder {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22); absent in the old pid-only format. */
  start?: string;
  /** /proc/sys/kernel/random/boot_id when it was written. */
  boot?: string;
}

/** Why a lock file left behind by a writer that no longer holds the lock was taken over. */
export type TakeoverReason = 'earlier boot' | 'own pid' | 'process gone' | 'pid reused';

export interface Takeover {
  previous: LockHolder;
  reason: TakeoverReason;
}

export interface WriterLock {
  path: string;
  fd: number;
  /** Set when the file named an earlier writer that had died without removing it. */
  takeover?: Takeover;
}

/** Start time of a process (clock ticks after boot), or undefined when it does not exist or has exited (a zombie). */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may hold spaces or ')': count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** This process as a lock holder. */
export function currentHolder(): LockHolder {
  return { pid: process.pid, start: processStart(process.pid), boot: bootId() };
}

function parseHolder(text: string): LockHolder | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^[0-9]+$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const parsed = JSON.parse(trimmed) as LockHolder;
    if (Number.isInteger(parsed.pid) && parsed.pid > 0) return { pid: parsed.pid, start: parsed.start, boot: parsed.boot };
  } catch { /* unreadable: treated as no holder, the flock decides */ }
  return { pid: 0 };
}

function locked(path: string, holder: LockHolder | undefined, why: string): OctantError {
  const who = holder !== undefined && holder.pid > 0 ? `pid ${holder.pid}` : 'another process';
  return new OctantError('E_LEDGER_LOCKED', `${path}: the ledger is open for writing by ${who}${why}`, {
    exit: EXIT.unavailable,
    hint: 'only one writer at a time; read-only commands work meanwhile',
  });
}

/**
 * Why the flock is free although the file names `previous`, or an error
 * when `previous` may be a live writer of the old, flock-less format.
 */
function takeoverReason(path: string, previous: LockHolder): TakeoverReason {
  const me = currentHolder();
  if (previous.boot !== undefined && me.boot !== undefined && previous.boot !== me.boot) return 'earlier boot';
  if (previous.pid === me.pid) return 'own pid';
  const start = processStart(previous.pid);
  if (start === undefined) return 'process gone';
  if (previous.start === undefined) throw locked(path, previous, ' (a pid-only lock: a writer that does not flock may be running)');
  if (start !== previous.start) return 'pid reused';
  // The very process that wrote the file is alive yet holds no lock: fail closed.
  throw locked(path, previous, ' (alive, though not holding the lock)');
}

/** Take the writer lock of `dir` or throw E_LEDGER_LOCKED. */
export function takeWriterLock(dir: string): WriterLock {
  const path = join(dir, LOCK_FILE);
  for (;;) {
    // No O_CREAT-with-O_EXCL: the file may stay behind a dead holder; the flock is the lock.
    const fd = openPrivate(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW);
    try {
      if (!tryLockExclusive(fd, 'E_LEDGER_LOCK', path)) throw locked(path, parseHolder(readFileSync(fd, 'utf8')), '');
      // A holder unlinks the file before it lets go (release): if that
      // happened between our open and our flock, we hold a lock on a file
      // nobody else will open. Start again on whatever is at the path now.
      if (statSync(path, { throwIfNoEntry: false })?.ino !== fstatSync(fd).ino) {
        closeSync(fd);
        continue;
      }
      const previous = parseHolder(readFileSync(fd, 'utf8'));
      const takeover = previous === undefined ? undefined : { previous, reason: takeoverReason(path, previous) };
      ftruncateSync(fd, 0);
      writeSync(fd, `${JSON.stringify(currentHolder())}\n`, 0);
      return { path, fd, takeover };
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }
}

/** Let go: the file goes first, so nobody opens it after the flock is dropped (see takeWriterLock). */
export function releaseWriterLock(lock: WriterLock): void {
  try {
    unlinkSync(lock.path);
  } finally {
    closeSync(lock.fd);
  }
}
