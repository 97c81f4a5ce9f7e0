import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSeccomp, compileSeccompProgram, syscallRules } from './compiler.ts';
import { runBpf } from './bpf-interpreter.ts';
import {
  AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, BPF_JA, BPF_JMP, decodeProgram, ENOSYS, EPERM, errnoAction,
  SECCOMP_RET_ALLOW, SECCOMP_RET_KILL_PROCESS,
} from './bpf.ts';
import { AF_INET, AF_INET6, AF_UNIX, CLONE_NAMESPACE_FLAGS, HARMLESS_IOCTLS, MFD_EXEC, MFD_NOEXEC_SEAL, TIOCLINUX, TIOCSTI } from './arg-filters.ts';
import { SYSCALLS_X86_64, X32_SYSCALL_BIT } from './syscall-table.ts';
import { denyReason, permanentDenyList } from './deny-list.ts';
import { isOctantError } from '../../lib/errors.ts';
import { prng } from '../../lib/seeded-random.ts';

const ALL = Object.keys(SYSCALLS_X86_64);
const NR = SYSCALLS_X86_64;
const DENY = errnoAction(EPERM);
const ALLOW = SECCOMP_RET_ALLOW;

function call(program: ReturnType<typeof compileSeccompProgram>, name: string, args: bigint[] = [], arch = AUDIT_ARCH_X86_64): number {
  return runBpf(program, { nr: NR[name], arch, args });
}

function assertShape(program: ReturnType<typeof compileSeccompProgram>): void {
  assert.ok(program.length <= 4096);
  program.forEach((insn, pc) => {
    assert.ok(insn.jt < 256 && insn.jf < 256, `jump offsets at ${pc} fit 8 bits`);
    const target = pc + 1 + ((insn.code === (BPF_JMP | BPF_JA)) ? insn.k : Math.max(insn.jt, insn.jf));
    if ((insn.code & 0x07) === BPF_JMP) assert.ok(target < program.length, `jump at ${pc} stays inside the program`);
  });
}

test('property: random allowlists of every size allow exactly the listed calls minus the deny list', () => {
  const seed = 0x5ecc0de;
  const random = prng(seed);
  const sizes = [0, 1, 2, 3, 4, 5, 17, 64, 255, 256, 300, ALL.length];
  for (let i = 0; i < 40; i++) sizes.push(Math.floor(random() * (ALL.length + 1)));
  for (const size of sizes) {
    const shuffled = [...ALL].sort(() => random() - 0.5);
    const listed = new Set(shuffled.slice(0, size));
    const program = compileSeccompProgram({ syscalls: [...listed], inet: true });
    assertShape(program);
    for (const name of ALL) {
      // Arguments every argument filter allows: socket(AF_UNIX), clone(no namespace flag), memfd_create(sealed).
      const action = call(program, name, [BigInt(AF_UNIX), BigInt(MFD_NOEXEC_SEAL), 0n]);
      if (denyReason(name)) assert.equal(action, DENY, `${name} is on the deny list (size ${size}, seed ${seed})`);
      else if (name === 'clone3') assert.equal(action, listed.has('clone') || listed.has('clone3') ? errnoAction(ENOSYS) : DENY);
      else if (listed.has(name)) assert.equal(action, ALLOW, `${name} listed (size ${size}, seed ${seed})`);
      else assert.equal(action, DENY, `${name} not listed (size ${size}, seed ${seed})`);
    }
  }
});

test('every deny-list entry is refused even when the policy lists all of them', () => {
  const program = compileSeccompProgram({ syscalls: [...permanentDenyList().keys(), 'read'], inet: false });
  for (const name of permanentDenyList().keys()) assert.equal(call(program, name), DENY, name);
  assert.equal(call(program, 'read'), ALLOW);
});

test('wrong architecture and x32 numbers are refused; the native twin is allowed', () => {
  const program = compileSeccompProgram({ syscalls: ALL, inet: true });
  assert.equal(call(program, 'read'), ALLOW);
  assert.equal(call(program, 'read', [], AUDIT_ARCH_I386), DENY);
  assert.equal(call(program, 'read', [], 0), DENY);
  assert.equal(runBpf(program, { nr: NR.read | X32_SYSCALL_BIT, arch: AUDIT_ARCH_X86_64 }), DENY);
  assert.equal(runBpf(program, { nr: NR.getpid | X32_SYSCALL_BIT, arch: AUDIT_ARCH_X86_64 }), DENY);
  assert.equal(runBpf(program, { nr: -1, arch: AUDIT_ARCH_X86_64 }), DENY);
  assert.equal(runBpf(program, { nr: 1000, arch: AUDIT_ARCH_X86_64 }), DENY);
});

test('socket: AF_UNIX only unless inet is granted', () => {
  const closed = compileSeccompProgram({ syscalls: ['socket'], inet: false });
  assert.equal(call(closed, 'socket', [BigInt(AF_UNIX)]), ALLOW);
  assert.equal(call(closed, 'socket', [BigInt(AF_INET)]), DENY);
  assert.equal(call(closed, 'socket', [BigInt(AF_INET6)]), DENY);
  assert.equal(call(closed, 'socket', [16n]), DENY, 'AF_NETLINK');
  const open = compileSeccompProgram({ syscalls: ['socket'], inet: true });
  assert.equal(call(open, 'socket', [BigInt(AF_INET)]), ALLOW);
  assert.equal(call(open, 'socket', [BigInt(AF_INET6)]), ALLOW);
  assert.equal(call(open, 'socket', [16n]), DENY);
});

test('clone: every namespace flag refused, plain fork/thread flags allowed; clone3 gets ENOSYS', () => {
  const program = compileSeccompProgram({ syscalls: ['clone', 'clone3'], inet: false });
  const threadFlags = 0x3d0f00n; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
  assert.equal(call(program, 'clone', [threadFlags]), ALLOW);
  assert.equal(call(program, 'clone', [0x01200011n]), ALLOW, 'fork: SIGCHLD|CHILD_SETTID|CHILD_CLEARTID');
  for (let bit = 0; bit < 32; bit++) {
    const flag = 1 << bit;
    if ((CLONE_NAMESPACE_FLAGS & flag) === 0) continue;
    assert.equal(call(program, 'clone', [BigInt(flag >>> 0) | 0x11n]), DENY, `flag 0x${(flag >>> 0).toString(16)}`);
  }
  assert.equal(call(program, 'clone3'), errnoAction(ENOSYS));
});

test('ioctl: TIOCSTI and TIOCLINUX refused, other requests allowed', () => {
  const program = compileSeccompProgram({ syscalls: ['ioctl'], inet: false });
  assert.equal(call(program, 'ioctl', [0n, BigInt(TIOCSTI)]), DENY);
  assert.equal(call(program, 'ioctl', [0n, BigInt(TIOCLINUX)]), DENY);
  assert.equal(call(program, 'ioctl', [0n, 0x5401n]), ALLOW, 'TCGETS');
  assert.equal(call(program, 'ioctl', [0n, 0x541bn]), ALLOW, 'FIONREAD');
});

test('memfd_create: only memfds sealed non-executable; MFD_EXEC or no seal refused', () => {
  const program = compileSeccompProgram({ syscalls: ['memfd_create'], inet: false });
  const MFD_CLOEXEC = 1n;
  assert.equal(call(program, 'memfd_create', [0n, BigInt(MFD_NOEXEC_SEAL) | MFD_CLOEXEC]), ALLOW);
  assert.equal(call(program, 'memfd_create', [0n, MFD_CLOEXEC]), DENY, 'no flag means MFD_EXEC under vm.memfd_noexec=0');
  assert.equal(call(program, 'memfd_create', [0n, BigInt(MFD_EXEC)]), DENY);
  assert.equal(call(program, 'memfd_create', [0n, BigInt(MFD_EXEC | MFD_NOEXEC_SEAL)]), DENY);
});

test('ioctl:harmless allows exactly the listed requests; twin: the plain ioctl grant allows the rest', () => {
  assert.deepEqual([...HARMLESS_IOCTLS].map(([name, value]) => `${name}=0x${value.toString(16)}`),
    ['FIOCLEX=0x5451', 'FIONCLEX=0x5450', 'FIONBIO=0x5421', 'FIONREAD=0x541b', 'TCGETS=0x5401', 'TIOCGWINSZ=0x5413']);
  const restricted = compileSeccompProgram({ syscalls: ['ioctl:harmless', 'read'], inet: false });
  for (const [name, value] of HARMLESS_IOCTLS) assert.equal(call(restricted, 'ioctl', [3n, BigInt(value)]), ALLOW, name);
  // Terminal setters, injection, and anything unlisted stay refused.
  for (const [name, value] of [['TCSETS', 0x5402], ['TIOCSWINSZ', 0x5414], ['TIOCSPGRP', 0x5410], ['FIOASYNC', 0x5452], ['TIOCSTI', TIOCSTI], ['TIOCLINUX', TIOCLINUX], ['BLKGETSIZE64', 0x80081272]] as const) {
    assert.equal(call(restricted, 'ioctl', [3n, BigInt(value)]), DENY, name);
  }
  assert.equal(call(restricted, 'read'), ALLOW);
  // With the plain call granted too, its own filter wins (one entry per number).
  const both = compileSeccompProgram({ syscalls: ['ioctl', 'ioctl:harmless'], inet: false });
  assert.deepEqual([...syscallRules({ syscalls: ['ioctl', 'ioctl:harmless'], inet: false }).keys()], ['ioctl']);
  assert.equal(call(both, 'ioctl', [3n, 0x5402n]), ALLOW, 'TCSETS with the full grant');
  assert.equal(call(both, 'ioctl', [3n, BigInt(TIOCSTI)]), DENY);
  // A variant of an unknown call is unknown.
  assert.throws(() => syscallRules({ syscalls: ['ioctl:anything'], inet: false }), (error) => isOctantError(error, 'E_SECCOMP_UNKNOWN_SYSCALL'));
});

test('kill as the default action', () => {
  const program = compileSeccompProgram({ syscalls: ['read'], inet: false }, { defaultAction: 'kill' });
  assert.equal(call(program, 'write'), SECCOMP_RET_KILL_PROCESS);
  assert.equal(call(program, 'read'), ALLOW);
});

test('encoding: 8 bytes per instruction, round-trips', () => {
  const policy = { syscalls: ['read', 'write', 'socket'], inet: false };
  const bytes = compileSeccomp(policy);
  const program = compileSeccompProgram(policy);
  assert.equal(bytes.length, program.length * 8);
  assert.deepEqual(decodeProgram(bytes), program);
  assert.equal(bytes.readUInt16LE(0), 0x20, 'first instruction is ld [arch]');
  assert.equal(bytes.readUInt32LE(4), 4);
});

test('an unknown syscall name is refused with the field named', () => {
  assert.throws(() => syscallRules({ syscalls: ['read', 'reed'], inet: false }), (error) =>
    isOctantError(error, 'E_SECCOMP_UNKNOWN_SYSCALL') && /policy\.syscalls\[1\].*reed/.test(error.message));
});
