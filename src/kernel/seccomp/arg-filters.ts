// Argument filters: for a few syscalls, allowing or refusing the whole call
// is too coarse. Each filter compiles to a self-contained block that starts
// with the syscall number already matched and ends in a `ret` on every path,
// so the compiler can inline it without computing any far jump.
//
// seccomp sees only the six register arguments (seccomp_data.args), never
// memory they point to; that is why clone3 (flags inside a struct) gets its
// own rule in compiler.ts rather than a filter here.
//
// A policy may also name a *restricted variant* "<syscall>:<variant>": the
// same call, allowed only for the arguments the variant's filter lets
// through. "ioctl:harmless" (in the @base group) allows the requests of
// harmless-ioctls.json, so ordinary programs start without the whole ioctl.
// When the policy also grants the plain call, the plain call's filter wins.

import { argLow, BPF_JEQ, BPF_JSET, jump, load, ret, SECCOMP_RET_ALLOW } from './bpf.ts';
import type { BpfInstruction } from './bpf.ts';
import harmless from './harmless-ioctls.json' with { type: 'json' };

export interface ArgFilterContext {
  /** The policy grants AF_INET/AF_INET6 sockets. */
  inet: boolean;
  /** The action for a refused call. */
  deny: number;
}

// socket(2) families (linux/socket.h).
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;

// clone(2) namespace flags (linux/sched.h). CLONE_NEWTIME (0x80) overlaps the
// exit-signal byte of legacy clone, where the kernel never reads it as a
// namespace flag; refusing it there only refuses exit signals >= 128, which
// are invalid anyway.
export const CLONE_NEWTIME = 0x00000080;
export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;
export const CLONE_NAMESPACE_FLAGS =
  (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME) >>> 0;

// ioctl(2) requests that reach beyond the sandbox (asm-generic/ioctls.h).
/** Pushes bytes into a terminal's input queue: types commands into the operator's shell. */
export const TIOCSTI = 0x5412;
/** Console-specific requests (selection paste, kernel messages). */
export const TIOCLINUX = 0x541c;
export const IOCTL_DENIED = [TIOCSTI, TIOCLINUX] as const;

// memfd_create(2) flags (linux/memfd.h, Linux >= 6.3). A memfd lives on the
// kernel's internal tmpfs, which no mount flag and no Landlock rule reaches
// (Landlock skips internal filesystems), so code written into one could be
// executed with execveat(fd, "", AT_EMPTY_PATH) or /proc/self/fd/N. With
// MFD_NOEXEC_SEAL the file has no execute bit and can never get one.
export const MFD_NOEXEC_SEAL = 0x0008;
export const MFD_EXEC = 0x0010;
/** The requests "ioctl:harmless" allows, name → value (harmless-ioctls.json, one comment each). */
export const HARMLESS_IOCTLS: ReadonlyMap<string, number> = new Map(harmless.requests.map((r) => [r.name, Number.parseInt(r.value, 16)]));

/** Restricted variants: policy name → the syscall it restricts. */
export const RESTRICTED_VARIANTS: ReadonlyMap<string, string> = new Map([['ioctl:harmless', 'ioctl']]);

/** The syscall a policy name stands for: itself, or the call a restricted variant restricts. */
export function baseSyscall(name: string): string {
  return RESTRICTED_VARIANTS.get(name) ?? name;
}

/**
 * Blocks keyed by syscall name. The kernel reads socket's family, clone's
 * flags and ioctl's request as 32-bit values (`int`, `lower_32_bits()`,
 * `unsigned int`), so the low word of the argument is all that matters.
 */
export const ARG_FILTERS: Readonly<Record<string, (ctx: ArgFilterContext) => BpfInstruction[]>> = {
  // socket(domain, type, protocol): AF_UNIX always; AF_INET/AF_INET6 only when
  // the policy grants inet (inside, only the sandbox's own loopback exists).
  socket: (ctx) => {
    const families = ctx.inet ? [AF_UNIX, AF_INET, AF_INET6] : [AF_UNIX];
    const block: BpfInstruction[] = [load(argLow(0))];
    for (const family of families) block.push(jump(BPF_JEQ, family, 0, 1), ret(SECCOMP_RET_ALLOW));
    block.push(ret(ctx.deny));
    return block;
  },
  // clone(flags, ...): no new namespaces; a namespace is a new view the
  // sandbox builder did not choose.
  clone: (ctx) => [load(argLow(0)), jump(BPF_JSET, CLONE_NAMESPACE_FLAGS, 0, 1), ret(ctx.deny), ret(SECCOMP_RET_ALLOW)],
  // memfd_create(name, flags): only memfds sealed non-executable; without
  // MFD_NOEXEC_SEAL the kernel's default (vm.memfd_noexec = 0) is MFD_EXEC.
  memfd_create: (ctx) => [
    load(argLow(1)),
    jump(BPF_JSET, MFD_EXEC, 0, 1), ret(ctx.deny),
    jump(BPF_JSET, MFD_NOEXEC_SEAL, 0, 1), ret(SECCOMP_RET_ALLOW),
    ret(ctx.deny),
  ],
  // ioctl(fd, request, arg): every request but the terminal-injection ones.
  ioctl: (ctx) => {
    const block: BpfInstruction[] = [load(argLow(1))];
    for (const request of IOCTL_DENIED) block.push(jump(BPF_JEQ, request, 0, 1), ret(ctx.deny));
    block.push(ret(SECCOMP_RET_ALLOW));
    return block;
  },
  // ioctl(fd, request, arg) restricted to the listed requests; anything else
  // (TIOCSTI and TIOCLINUX included) is refused.
  'ioctl:harmless': (ctx) => {
    const block: BpfInstruction[] = [load(argLow(1))];
    for (const request of HARMLESS_IOCTLS.values()) block.push(jump(BPF_JEQ, request, 0, 1), ret(SECCOMP_RET_ALLOW));
    block.push(ret(ctx.deny));
    return block;
  },
};
