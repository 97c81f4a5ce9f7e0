// Typed wrappers over the few libc calls Node does not expose, through the
// experimental node:ffi (dlopen of libc.so.6). One place for every foreign
// call, so their signatures and errno handling are written once.
//
// libc is opened on first use, never at import time: utilities and most
// commands never pay for it, and a machine without node:ffi only fails the
// commands that really need it (with E_LIBC_UNAVAILABLE).

import { statSync } from 'node:fs';
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
const SYS_OPENAT2 = 437n;                  // same number on every architecture (asm-generic)
const SYS_SYNC = process.arch === 'arm64' ? 81n : 162n;
const SYS_REBOOT = process.arch === 'arm64' ? 142n : 169n;
const LINUX_REBOOT_MAGIC1 = 0xfee1deadn;   // <linux/reboot.h>
const LINUX_REBOOT_MAGIC2 = 672274793n;
const LINUX_REBOOT_CMD = { poweroff: 0x4321fedcn, reboot: 0x01234567n } as const;
// setgroups has no generic number; the raw syscall changes only the calling
// thread's groups (glibc's setgroups() signals every thread to change theirs).
const SYS_SETGROUPS = process.arch === 'arm64' ? 159n : 116n;
const AT_FDCWD = -100;                     // <fcntl.h>
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
  // long syscall(long number, ...): landlock_create_ruleset, openat2, setgroups.
  // Every argument is a 'pointer', which takes a bigint as a plain value or a
  // Buffer, so one signature serves every call; a Buffer passed as an
  // argument stays alive during the call (a raw address taken with
  // getRawPointer would not keep it alive once optimised code drops it).
  syscall: { return: 'int64', arguments: ['int64', 'pointer', 'pointer', 'pointer', 'pointer'] },
  // int setfsuid(uid_t) / setfsgid(gid_t): per-thread, return the previous id
  setfsuid: { return: 'int32', arguments: ['uint32'] },
  setfsgid: { return: 'int32', arguments: ['uint32'] },
  // int mkdirat(int dirfd, const char *path, mode_t mode)
  mkdirat: { return: 'int32', arguments: ['int32', 'pointer', 'uint32'] },
  // int unlinkat(int dirfd, const char *path, int flags)
  unlinkat: { return: 'int32', arguments: ['int32', 'pointer', 'int32'] },
  // int faccessat(int dirfd, const char *path, int mode, int flags)
  faccessat: { return: 'int32', arguments: ['int32', 'pointer', 'int32', 'int32'] },
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

/** strerror(errno), for messages that name their own step. */
export function errnoText(err: number): string {
  const { ffi, fn } = libc();
  return ffi.toString(fn.strerror(err)) ?? `errno ${err}`;
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
  const result = Number(libc().fn.syscall(SYS_LANDLOCK_CREATE_RULESET, null, 0n, BigInt(LANDLOCK_CREATE_RULESET_VERSION), 0n));
  return result < 0 ? -errno() : result;
}

/**
 * sync(2), then reboot(2) with LINUX_REBOOT_CMD_POWER_OFF or _RESTART: the
 * last thing a PID 1 does (it has nothing to return to; its exit would panic
 * the kernel). Returns only on failure, with the error.
 */
export function powerOff(how: keyof typeof LINUX_REBOOT_CMD): OctantError {
  const { fn } = libc();
  fn.syscall(SYS_SYNC, 0n, 0n, 0n, 0n);
  fn.syscall(SYS_REBOOT, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD[how], 0n);
  return new LibcError('E_INIT_POWEROFF', `reboot(${how})`, errno());
}

/** The initial pid namespace's inode number (PROC_PID_INIT_INO, include/linux/proc_ns.h). */
const PROC_PID_INIT_INO = 0xeffffffc;

/** True when this process is the machine's init: PID 1 of the initial pid
 *  namespace, not of a container's (whose exit just ends the container). */
export function isMachineInit(): boolean {
  try {
    return getpid() === 1 && statSync('/proc/self/ns/pid').ino === PROC_PID_INIT_INO;
  } catch {
    return false;
  }
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

// ---- Descriptor-relative file operations for the file tools (openat2(2)) ----

/** RESOLVE_* flags of struct open_how (<linux/openat2.h>). */
export const RESOLVE = { NO_XDEV: 0x01, NO_MAGICLINKS: 0x02, NO_SYMLINKS: 0x04, BENEATH: 0x08 } as const;
/** Flags Node's fs.constants lacks (same value on x86_64 and aarch64). */
export const O_PATH = 0o10000000;
export const O_CLOEXEC = 0o2000000;
export const AT_REMOVEDIR = 0x200;

/**
 * openat2(dirfd, path, {flags, mode, resolve}): a descriptor, or -errno.
 * `dirfd` undefined means AT_FDCWD (then `path` should be absolute).
 */
export function openat2(dirfd: number | undefined, path: string, flags: number, mode: number, resolve: number): number {
  const { fn } = libc();
  const how = Buffer.alloc(24); // struct open_how { u64 flags, mode, resolve }
  how.writeBigUInt64LE(BigInt(flags), 0);
  how.writeBigUInt64LE(BigInt(mode), 8);
  how.writeBigUInt64LE(BigInt(resolve), 16);
  const fd = fn.syscall(SYS_OPENAT2, BigInt.asUintN(64, BigInt(dirfd ?? AT_FDCWD)), cString(path), how, 24n);
  return fd < 0n ? -errno() : Number(fd);
}

/** mkdirat(2): 0 or -errno. */
export function mkdirat(dirfd: number, name: string, mode: number): number {
  return libc().fn.mkdirat(dirfd, cString(name), mode) === 0 ? 0 : -errno();
}

/** unlinkat(2) (never follows a final symlink: it removes the link): 0 or -errno. */
export function unlinkat(dirfd: number, name: string, flags: number): number {
  return libc().fn.unlinkat(dirfd, cString(name), flags) === 0 ? 0 : -errno();
}

/**
 * Set this thread's filesystem uid and gid (setfsuid(2), setfsgid(2)) and
 * its supplementary groups (raw setgroups: this thread only). Returns false
 * when the kernel did not take them: setfsuid reports no error, so each id is
 * read back (a second call with the same id returns the current one).
 */
export function setThreadFsCredentials(uid: number, gid: number, groups: readonly number[]): boolean {
  const { fn } = libc();
  const list = Buffer.alloc(Math.max(4, groups.length * 4));
  groups.forEach((g, i) => list.writeUInt32LE(g, i * 4));
  if (fn.syscall(SYS_SETGROUPS, BigInt(groups.length), list, 0n, 0n) !== 0n) return false;
  fn.setfsgid(gid);
  fn.setfsuid(uid);
  return fn.setfsgid(gid) === gid && fn.setfsuid(uid) === uid;
}

const AT_EACCESS = 0x200;                  // <fcntl.h> (faccessat): check with the thread's fs ids, not the real ones

/**
 * Would `uid`/`gid` (no supplementary groups) be allowed `mode` (R_OK 4,
 * W_OK 2, X_OK 1) on `path`? The kernel answers (faccessat with
 * AT_EACCESS under that uid's filesystem credentials, this thread only), so
 * ownership, mode bits, POSIX ACLs and read-only mounts all count, and every
 * directory on the way needs search permission. procfs sysctls are the
 * exception (they look at the effective uid): never ask about them.
 * Returns 0 or -errno. Needs root (CAP_SETUID/CAP_SETGID).
 */
export function accessAs(path: string, mode: number, uid: number, gid: number): number {
  const { fn } = libc();
  const target = cString(path);
  const euid = process.geteuid?.() ?? 0;
  const egid = process.getegid?.() ?? 0;
  const groups = process.getgroups?.() ?? [];
  try {
    if (!setThreadFsCredentials(uid, gid, [])) throw new OctantError('E_LIBC_ACCESS_AS', `could not take uid ${uid}/gid ${gid} as filesystem credentials (not root?)`);
    return fn.faccessat(AT_FDCWD, target, mode, AT_EACCESS) === 0 ? 0 : -errno();
  } finally {
    setThreadFsCredentials(euid, egid, groups);
  }
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
