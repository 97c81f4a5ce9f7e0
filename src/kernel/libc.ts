// Typed wrappers over the few libc calls Node does not expose, through the
// experimental node:ffi (dlopen of libc.so.6). One place for every foreign
// call, so their signatures and errno handling are written once.
//
// libc is opened on first use, never at import time: utilities and most
// commands never pay for it, and a machine without node:ffi only fails the
// commands that really need it (with E_LIBC_UNAVAILABLE).

import { OctantError, EXIT, messageOf } from '../lib/errors.ts';

// Numbers from the Linux UAPI headers (x86_64 and aarch64 agree on these).
const WNOHANG = 1;                         // <sys/wait.h>
const PR_SET_CHILD_SUBREAPER = 36;         // <linux/prctl.h>
const PR_GET_CHILD_SUBREAPER = 37;
const PR_GET_SECCOMP = 21;
const PR_GET_DUMPABLE = 3;
const PR_SET_DUMPABLE = 4;
const RLIMIT_CORE = 4;                     // <sys/resource.h>
const SYS_LANDLOCK_CREATE_RULESET = 444n;  // same number on every architecture (asm-generic)
const LANDLOCK_CREATE_RULESET_VERSION = 1; // <linux/landlock.h>: ask for the ABI version
const LOCK_EX = 2;                         // <sys/file.h>
const LOCK_NB = 4;
const EWOULDBLOCK = 11;                    // EAGAIN on Linux
const EINTR = 4;

const DEFINITIONS = {
  getpid: { return: 'int32', arguments: [] },
  // pid_t waitpid(pid_t pid, int *wstatus, int options)
  waitpid: { return: 'int32', arguments: ['int32', 'pointer', 'int32'] },
  // int prctl(int option, unsigned long arg2..arg5)
  prctl: { return: 'int32', arguments: ['int32', 'uint64', 'uint64', 'uint64', 'uint64'] },
  // int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)
  mount: { return: 'int32', arguments: ['pointer', 'pointer', 'pointer', 'uint64', 'pointer'] },
  // int setrlimit(int resource, const struct rlimit *rlim)
  setrlimit: { return: 'int32', arguments: ['int32', 'pointer'] },
  // long syscall(long number, ...): used for landlock_create_ruleset(attr, size, flags)
  syscall: { return: 'int64', arguments: ['int64', 'pointer', 'uint64', 'uint32'] },
  // int flock(int fd, int operation)
  flock: { return: 'int32', arguments: ['int32', 'int32'] },
  // int *__errno_location(void): glibc's per-thread errno
  __errno_location: { return: 'pointer', arguments: [] },
  // char *strerror(int errnum)
  strerror: { return: 'pointer', arguments: ['int32'] },
} as const;

type FfiModule = typeof import('node:ffi');
type Definitions = typeof DEFINITIONS;
type Functions = ReturnType<typeof import('node:ffi').dlopen<Definitions>>['functions'];

/**
 * libc opened with no symbol bound; each function is looked up and wrapped
 * on its first call. Wrapping costs ~0.5 ms a function, and the vault's
 * start at boot needs two of them, the ledger's writer lock one (flock).
 */
function openLibc(ffi: FfiModule) {
  const { lib } = ffi.dlopen('libc.so.6', {});
  const fn = {} as Functions;
  for (const name of Object.keys(DEFINITIONS) as (keyof Definitions)[]) {
    // A libc without one of them fails here (dlsym), not at a later first call.
    lib.getSymbol(name);
    Object.defineProperty(fn, name, {
      get() {
        const bound = lib.getFunction(name, DEFINITIONS[name]);
        Object.defineProperty(fn, name, { value: bound });
        return bound;
      },
      configurable: true,
    });
  }
  // Bound now: binding a function can itself set errno, so errno() must not
  // bind anything between a failing call and reading its errno.
  void fn.__errno_location;
  return { ffi, fn };
}

type Loaded = ReturnType<typeof openLibc>;

let loaded: Loaded | undefined;

function libc(): Loaded {
  if (loaded !== undefined) return loaded;
  let ffi: FfiModule;
  try {
    // getBuiltinModule keeps this synchronous and lazy; node:ffi exists only
    // in Node builds that ship it (26+), so its absence is a clear error.
    ffi = process.getBuiltinModule('node:ffi') as FfiModule;
    if (ffi === undefined) throw new Error('node:ffi is not built in');
    loaded = openLibc(ffi);
  } catch (error) {
    throw new OctantError('E_LIBC_UNAVAILABLE', `libc.so.6 through node:ffi: ${messageOf(error)}`, {
      exit: EXIT.unavailable,
      hint: 'OctantOS needs Node 26 with node:ffi and glibc',
    });
  }
  return loaded;
}

/** True when libc can be reached through node:ffi (for `octant doctor`). */
export function libcAvailable(): { ok: true } | { ok: false; reason: string } {
  try {
    libc();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: messageOf(error) };
  }
}

/** The errno left by the last failing call on this thread. */
function errno(): number {
  const { ffi, fn } = libc();
  return ffi.getInt32(fn.__errno_location());
}

/** A failing libc call: an OctantError whose message is strerror(errno) and detail.errno the number. */
export class LibcError extends OctantError {
  readonly errno: number;
  constructor(code: string, call: string, err: number, hint?: string) {
    const { ffi, fn } = libc();
    super(code, `${call}: ${ffi.toString(fn.strerror(err)) ?? `errno ${err}`}`, { hint, detail: { errno: err } });
    this.errno = err;
  }
}

/** NUL-terminated C string for a `const char *` argument. */
function cString(text: string): Buffer {
  if (text.includes('\0')) throw new OctantError('E_LIBC_ARGUMENT', `C string argument contains a NUL byte: ${JSON.stringify(text)}`);
  return Buffer.from(`${text}\0`, 'utf8');
}

export function getpid(): number {
  return libc().fn.getpid();
}

/**
 * waitpid(pid, NULL, WNOHANG) for one specific pid. Returns the pid when it
 * was reaped, 0 when it has not exited yet, -errno on failure (ECHILD: not
 * our child, or already reaped). Never call it with -1: that would take exit
 * statuses meant for libuv's own children.
 */
export function waitpidNoHang(pid: number): number {
  if (!Number.isInteger(pid) || pid <= 0) throw new OctantError('E_LIBC_ARGUMENT', `waitpid: pid must be a positive integer, got ${pid}`);
  const result = libc().fn.waitpid(pid, null, WNOHANG);
  return result === -1 ? -errno() : result;
}

/** prctl(PR_SET_CHILD_SUBREAPER): orphans below us are reparented to us instead of PID 1. */
export function setChildSubreaper(on: boolean): void {
  if (libc().fn.prctl(PR_SET_CHILD_SUBREAPER, on ? 1n : 0n, 0n, 0n, 0n) !== 0) {
    throw new LibcError('E_INIT_SUBREAPER', 'prctl(PR_SET_CHILD_SUBREAPER)', errno());
  }
}

export function isChildSubreaper(): boolean {
  const out = Buffer.alloc(4);
  if (libc().fn.prctl(PR_GET_CHILD_SUBREAPER, libc().ffi.getRawPointer(out), 0n, 0n, 0n) !== 0) {
    throw new LibcError('E_INIT_SUBREAPER', 'prctl(PR_GET_CHILD_SUBREAPER)', errno());
  }
  return out.readInt32LE(0) !== 0;
}

/** prctl(PR_GET_SECCOMP): 0 disabled, 1 strict, 2 filter; -errno on failure (EINVAL: no seccomp in the kernel). */
export function seccompMode(): number {
  const result = libc().fn.prctl(PR_GET_SECCOMP, 0n, 0n, 0n, 0n);
  return result === -1 ? -errno() : result;
}

/**
 * The Landlock ABI version (landlock_create_ruleset(NULL, 0,
 * LANDLOCK_CREATE_RULESET_VERSION), Linux Documentation/userspace-api/landlock.rst),
 * or -errno: ENOSYS when the kernel lacks it, EOPNOTSUPP when it is disabled at boot.
 */
export function landlockAbiVersion(): number {
  const result = Number(libc().fn.syscall(SYS_LANDLOCK_CREATE_RULESET, null, 0n, LANDLOCK_CREATE_RULESET_VERSION));
  return result < 0 ? -errno() : result;
}

/** Mount flags used by init (<sys/mount.h>). */
export const MS = { NOSUID: 2, NODEV: 4, NOEXEC: 8, RELATIME: 1 << 21 } as const;

/** mount(2). `errorCode` names the step so a failure says which mount failed. */
export function mount(source: string, target: string, fstype: string, flags: number, data: string | undefined, errorCode: string): void {
  const result = libc().fn.mount(cString(source), cString(target), cString(fstype), BigInt(flags), data === undefined ? null : cString(data));
  if (result !== 0) throw new LibcError(errorCode, `mount -t ${fstype} ${source} ${target}`, errno());
}

/**
 * prctl(PR_SET_DUMPABLE, 0): no core dump even if a limit is raised later,
 * and /proc/<pid>/mem, ptrace attach by same-uid processes refused
 * (prctl(2), "PR_SET_DUMPABLE"). Used by the vault, which holds keys.
 */
export function setNotDumpable(): void {
  if (libc().fn.prctl(PR_SET_DUMPABLE, 0n, 0n, 0n, 0n) !== 0) throw new LibcError('E_LIBC_DUMPABLE', 'prctl(PR_SET_DUMPABLE, 0)', errno());
}

/** prctl(PR_GET_DUMPABLE): 0 not dumpable, 1 dumpable, 2 root-only dumps. */
export function dumpable(): number {
  return libc().fn.prctl(PR_GET_DUMPABLE, 0n, 0n, 0n, 0n);
}

/** setrlimit(RLIMIT_CORE, {0, 0}): no core dumps, so secrets in memory never land on disk. */
export function disableCoreDumps(): void {
  const limit = Buffer.alloc(16); // struct rlimit { rlim_t cur, max } on 64-bit
  if (libc().fn.setrlimit(RLIMIT_CORE, limit) !== 0) throw new LibcError('E_INIT_RLIMIT_CORE', 'setrlimit(RLIMIT_CORE, 0)', errno());
}

/**
 * flock(fd, LOCK_EX | LOCK_NB) (flock(2)): true when this open file
 * description now holds the exclusive lock, false when another one holds
 * it. The kernel drops the lock when the last descriptor of the description
 * closes, so a holder that dies (kill -9, a crash) never leaves it behind.
 */
export function tryLockExclusive(fd: number, errorCode: string, what: string): boolean {
  for (;;) {
    if (libc().fn.flock(fd, LOCK_EX | LOCK_NB) === 0) return true;
    const err = errno();
    if (err === EWOULDBLOCK) return false;
    if (err !== EINTR) throw new LibcError(errorCode, `flock(${what}, LOCK_EX|LOCK_NB)`, err);
  }
}
