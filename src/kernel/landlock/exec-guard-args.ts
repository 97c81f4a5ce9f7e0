// The exec-guard command line for one sandbox: which mounts become noexec and
// which Landlock rules it enforces (exec-guard.c for the flags). Pure: the
// same SandboxPolicy, system layout and runtime binds that bwrap-args.ts turns
// into mounts are turned into rules here, independently, so a mistake in one
// layer is not copied into the other (docs/isolation.md, "Exec control and
// Landlock").
//
//   -n PATH  noexec, the mount itself: /tmp (a fresh tmpfs: what is mounted
//            below it are grants with their own rules, so a read-only grant
//            or the octant executable bound below /tmp keeps executing)
//   -N PATH  noexec with every mount below it: /dev (devpts, device nodes)
//            and each rw bind (bwrap binds recursively: host mounts below
//            a write grant come along, writable)
//   -x PATH  execute + read: each granted program and its ELF loader (for a
//            granted directory of programs, the host's loaders)
//   -r PATH  read beneath: the system tree, /proc, read-only binds
//   -w PATH  read + write beneath, no execute: /tmp and rw binds
//   -d PATH  like -w plus device ioctls: /dev
//   -s FD    the seccomp program to install last

import type { BindMount, SandboxPolicy } from '../sandbox-policy.ts';
import type { SystemLayout } from '../sandbox/bwrap-args.ts';
import { statSync } from 'node:fs';
import { elfInterpreter, hostLoaders } from './elf-interpreter.ts';

/** Where bwrap binds the helper inside every sandbox (read-only; not executable once Landlock is on). */
export const EXEC_GUARD_TARGET = '/run/octant-exec-guard';

export interface ExecGuardInput {
  policy: Pick<SandboxPolicy, 'binds' | 'executables'>;
  system: SystemLayout;
  /** Sockets and files the runtime adds (gateway socket, the octant executable). */
  extraBinds?: BindMount[];
  /** Descriptor the helper reads the seccomp program from; none = no filter. */
  seccompFd?: number;
}

/** The helper's options, ending with `--`; the command follows. */
export function execGuardArgs(input: ExecGuardInput): string[] {
  const binds = [...input.policy.binds, ...(input.extraBinds ?? [])];
  const rw = binds.filter((bind) => bind.mode === 'rw').map((bind) => bind.target);
  const ro = binds.filter((bind) => bind.mode === 'ro').map((bind) => bind.target);
  const programs = new Set<string>();
  for (const program of input.policy.executables) {
    programs.add(program);
    const loader = elfInterpreter(program);
    if (loader !== undefined) programs.add(loader);
    else if (statSync(program, { throwIfNoEntry: false })?.isDirectory()) for (const known of hostLoaders()) programs.add(known);
  }
  const args: string[] = [];
  const add = (flag: string, paths: Iterable<string>): void => {
    for (const path of new Set(paths)) args.push(flag, path);
  };
  add('-n', ['/tmp']);
  add('-N', ['/dev', ...rw]);
  add('-x', programs);
  add('-r', [...input.system.roBinds, '/proc', ...ro]);
  add('-w', ['/tmp', ...rw]);
  add('-d', ['/dev']);
  if (input.seccompFd !== undefined) args.push('-s', String(input.seccompFd));
  args.push('--');
  return args;
}

/** [helper, ...its options, ...command]: what bwrap executes. */
export function guardedCommand(command: readonly string[], input: ExecGuardInput): string[] {
  return [EXEC_GUARD_TARGET, ...execGuardArgs(input), ...command];
}
