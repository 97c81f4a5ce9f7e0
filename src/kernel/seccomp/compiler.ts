// Compiles a SandboxPolicy's syscall allowlist into a seccomp-BPF program.
//
// Layout (every conditional jump offset is 0, 1 or the length of a small
// inline block, so the 8-bit jt/jf limit never bites whatever the list size):
//
//   ld arch;  jeq AUDIT_ARCH_X86_64 ? skip : ret DENY      wrong ABI (i386, ...)
//   ld nr;    jge 0x40000000 ? ret DENY                    x32 ABI numbers
//   binary-search tree over the sorted allowed numbers:
//     internal node:  jge pivot, 0, 1 ; ja <right subtree>  (ja has a 32-bit offset)
//     leaf (<= 4 calls):  jeq nr, 0, len(block) ; block ... ; ret DENY
//   where block is `ret ALLOW`, or an argument filter (arg-filters.ts) that
//   ends in `ret` on every path.
//
// The permanent deny list is subtracted whatever the policy says, so a listed
// deny-list call falls through to DENY like any unlisted one.
//
// clone3 passes its flags in a struct in memory, which seccomp cannot read
// (seccomp_data holds only register arguments). Allowing it would let a
// process create namespaces past the clone flag filter, so clone3 returns
// ENOSYS: glibc (>= 2.34, sysdeps/unix/sysv/linux/clone-internal.c) then
// falls back to clone, whose flags the filter does check.

import { OctantError, EXIT } from '../../lib/errors.ts';
import type { SandboxPolicy } from '../sandbox-policy.ts';
import {
  AUDIT_ARCH_X86_64, BPF_JEQ, BPF_JGE, BPF_MAXINSNS, ENOSYS, EPERM, SECCOMP_DATA_ARCH, SECCOMP_DATA_NR,
  SECCOMP_RET_ALLOW, SECCOMP_RET_KILL_PROCESS, encodeProgram, errnoAction, jump, jumpAlways, load, ret,
} from './bpf.ts';
import type { BpfInstruction } from './bpf.ts';
import { ARG_FILTERS, baseSyscall } from './arg-filters.ts';
import { denyReason } from './deny-list.ts';
import { syscallNumber, X32_SYSCALL_BIT } from './syscall-table.ts';

export interface SeccompOptions {
  /** What a refused call gets: EPERM (default) or the whole process killed. */
  defaultAction?: 'errno' | 'kill';
}

export type SeccompPolicy = Pick<SandboxPolicy, 'syscalls' | 'inet'>;

/** How the filter treats one allowed syscall. */
export type SyscallRule = 'allow' | 'args' | 'enosys';

const LEAF_SIZE = 4;

interface Entry {
  nr: number;
  block: BpfInstruction[];
}

/**
 * The calls the filter lets through, name → rule, after the permanent deny
 * list. A name may be a restricted variant ("ioctl:harmless", arg-filters.ts),
 * dropped when the plain call is granted too. Throws E_SECCOMP_UNKNOWN_SYSCALL for a name this architecture lacks
 * (fail closed: a typo must not silently shrink or widen the policy).
 */
export function syscallRules(policy: SeccompPolicy): Map<string, SyscallRule> {
  const rules = new Map<string, SyscallRule>();
  policy.syscalls.forEach((name, index) => {
    if (syscallNumber(baseSyscall(name)) === undefined) {
      throw new OctantError('E_SECCOMP_UNKNOWN_SYSCALL', `policy.syscalls[${index}]: "${name}" is not an x86_64 system call`, {
        exit: EXIT.denied,
        hint: 'use the names of arch/x86/entry/syscalls/syscall_64.tbl',
      });
    }
    if (denyReason(baseSyscall(name)) !== undefined) return;
    rules.set(name, name in ARG_FILTERS ? 'args' : 'allow');
  });
  // A restricted variant adds nothing when the plain call is granted too
  // (and two entries for one number would make an ambiguous filter).
  for (const name of rules.keys()) if (baseSyscall(name) !== name && rules.has(baseSyscall(name))) rules.delete(name);
  if (rules.has('clone3') || rules.has('clone')) rules.set('clone3', 'enosys');
  return rules;
}

/** The filter as instructions (tests run these through bpf-interpreter.ts). */
export function compileSeccompProgram(policy: SeccompPolicy, options: SeccompOptions = {}): BpfInstruction[] {
  const deny = options.defaultAction === 'kill' ? SECCOMP_RET_KILL_PROCESS : errnoAction(EPERM);
  const entries: Entry[] = [];
  for (const [name, rule] of syscallRules(policy)) {
    const block = rule === 'enosys' ? [ret(errnoAction(ENOSYS))] : rule === 'args' ? ARG_FILTERS[name]({ inet: policy.inet, deny }) : [ret(SECCOMP_RET_ALLOW)];
    entries.push({ nr: syscallNumber(baseSyscall(name)) as number, block });
  }
  entries.sort((a, b) => a.nr - b.nr);
  const program = [
    load(SECCOMP_DATA_ARCH),
    jump(BPF_JEQ, AUDIT_ARCH_X86_64, 1, 0),
    ret(deny),
    load(SECCOMP_DATA_NR),
    jump(BPF_JGE, X32_SYSCALL_BIT, 0, 1),
    ret(deny),
    ...searchTree(entries, deny),
  ];
  if (program.length > BPF_MAXINSNS) {
    throw new OctantError('E_SECCOMP_TOO_LONG', `seccomp program has ${program.length} instructions, the kernel allows ${BPF_MAXINSNS}`);
  }
  return program;
}

/** The raw `struct sock_filter` array bwrap's `--seccomp FD` reads. */
export function compileSeccomp(policy: SeccompPolicy, options: SeccompOptions = {}): Buffer {
  return encodeProgram(compileSeccompProgram(policy, options));
}

// Expects the syscall number in the accumulator; every path ends in `ret`.
function searchTree(entries: Entry[], deny: number): BpfInstruction[] {
  if (entries.length <= LEAF_SIZE) {
    const leaf: BpfInstruction[] = [];
    for (const { nr, block } of entries) {
      if (block.length > 255) throw new OctantError('E_SECCOMP_TOO_LONG', `argument filter for syscall ${nr} is ${block.length} instructions`);
      leaf.push(jump(BPF_JEQ, nr, 0, block.length), ...block);
    }
    leaf.push(ret(deny));
    return leaf;
  }
  const middle = Math.floor(entries.length / 2);
  const left = searchTree(entries.slice(0, middle), deny);
  const right = searchTree(entries.slice(middle), deny);
  // nr >= pivot: fall onto the `ja` to the right subtree; else skip it.
  return [jump(BPF_JGE, entries[middle].nr, 0, 1), jumpAlways(left.length), ...left, ...right];
}
