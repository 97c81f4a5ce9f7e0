// Can this manifest start its program? Asked by `octant manifest validate
// FILE [-- COMMAND]` and by `octant run` before it submits an agent, so a
// manifest that would only crash (exit 139 under seccomp, EACCES from
// Landlock, "execvp: Operation not permitted") is refused up front, naming
// the field and the group to add (docs/troubleshooting.md).
//
// - every agent runs octant's own Node code inside (launcher-needs.ts): the
//   syscall groups it needs;
// - a wrapped COMMAND must be a program processes.exec grants (found on the
//   sandbox's PATH as the bridge finds it);
// - an interpreter's program file (python3 X, node X, sh X) must be within
//   filesystem.read or filesystem.write, or /usr (always bound read-only);
// - every program processes.exec grants should exist on this host.

import { existsSync, realpathSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { OctantError, EXIT } from '../../lib/errors.ts';
import type { Manifest } from './schema.ts';
import { launcherWarnings, type AgentKind } from './launcher-needs.ts';
import { isExecutable } from '../../lib/executable.ts';

export interface StartupProblem {
  /** The manifest field to change. */
  field: string;
  /** The syscall group to add, when that is the fix. */
  group?: string;
  message: string;
}

/** The PATH inside every sandbox (lifecycle/kernel-isolation.ts). */
const SANDBOX_PATH = ['/usr/local/bin', '/usr/bin', '/bin'];

const INTERPRETER = /^(python[0-9.]*|node|nodejs|sh|bash|dash|ruby|perl)$/;

function real(path: string): string {
  return existsSync(path) ? realpathSync(path) : path;
}


/** COMMAND[0] as the bridge inside finds it: absolute as given, else the first hit on the sandbox's PATH. */
export function resolveProgram(name: string): string | undefined {
  if (isAbsolute(name)) return name;
  if (name.includes('/')) return undefined;
  return SANDBOX_PATH.map((dir) => join(dir, name)).find(isExecutable);
}

function within(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`));
}

/**
 * Everything that would keep the agent from starting. `command` is the
 * wrapped program (`octant run M -- COMMAND`); `kind` 'loop' for the
 * built-in loop, undefined when not known (then guessed from the manifest).
 */
export function startupProblems(m: Manifest, command?: readonly string[], kind: AgentKind = command === undefined ? undefined : 'wrapped'): StartupProblem[] {
  const problems: StartupProblem[] = launcherWarnings(m, kind).map((w) => ({ field: 'syscalls', group: `@${w.group}`, message: w.message }));
  for (const [i, program] of m.processes.exec.entries()) {
    if (!isExecutable(program)) problems.push({ field: `processes.exec[${i}]`, message: `processes.exec[${i}]: ${program} is not an executable on this host` });
  }
  if (command === undefined || command.length === 0) return problems;
  const program = resolveProgram(command[0]);
  const granted = new Set(m.processes.exec.map(real));
  if (program === undefined || !granted.has(real(program))) {
    const shown = program === undefined ? command[0] : program;
    problems.push({ field: 'processes.exec', message: `processes.exec: ${JSON.stringify(shown)} is not granted, so the command cannot be executed (granted: ${m.processes.exec.length > 0 ? m.processes.exec.join(', ') : 'none'}); add ${program ?? `its absolute path`}` });
  }
  const script = command[1];
  if (program !== undefined && INTERPRETER.test(basename(real(program))) && script !== undefined && isAbsolute(script)) {
    const readable = [...m.filesystem.read, ...m.filesystem.write, '/usr'];
    if (!within(script, readable)) {
      problems.push({ field: 'filesystem.read', message: `filesystem.read: ${script} is not granted, so ${basename(program)} cannot read its program; add it (or its directory)` });
    }
  }
  return problems;
}

/** The refusal of a manifest that cannot start its program: every problem named, the first group as the fix. */
export function cannotStart(name: string, problems: readonly StartupProblem[]): OctantError {
  return new OctantError('E_MANIFEST_CANNOT_START', `${name}: the agent could not start: ${problems.map((p) => p.message).join('; ')}`, {
    exit: EXIT.failure,
    hint: `change ${[...new Set(problems.map((p) => p.group ?? p.field))].join(', ')} in the manifest and sign it again (docs/troubleshooting.md)`,
    detail: { problems: problems.map((p) => ({ ...p })) },
  });
}

/**
 * Before `octant run` submits an agent: refuse what could not start. A
 * granted program missing on this host is left to the run (the agent may
 * never execute it), unless it is the command itself.
 */
export function checkCanStart(m: Manifest, command?: readonly string[]): void {
  const problems = startupProblems(m, command, command === undefined ? 'loop' : 'wrapped').filter((p) => !p.field.startsWith('processes.exec['));
  if (problems.length > 0) throw cannotStart(m.identity.name, problems);
}
