// Validation rule 10: grants that reach what contains the agents, refused
// whatever the role or the signer (docs/manifests.md "Refused grants").
//
//   /                                E_MANIFEST_GRANT_ROOT     read, write, exec
//   /proc, /sys, /dev and below      E_MANIFEST_GRANT_PROC/SYS/DEV (data/refused-grants.json;
//                                    a few device nodes excepted, some read-only)
//   OctantOS state directories       E_MANIFEST_GRANT_STATE    read, write (models: write)
//   the octant executable's folder   E_MANIFEST_GRANT_PROGRAM  write
//
// A grant is checked as written and as the host resolves it (realpath of the
// longest existing prefix), since the launcher binds the resolved source: a
// symlink /tmp/p -> /proc must not be a way around the list. A grant that
// *contains* a protected directory is refused too (/var contains
// /var/lib/octant; a bind of the parent shows the child). The host facts
// (state directories, the executable) are resolved once, by hostProtection.

import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import data from './data/refused-grants.json' with { type: 'json' };
import { buildInfo } from '../../lib/build-info.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import type { Paths } from '../../runtime/paths.ts';
import { pathWithin } from './path-set.ts';
import type { Manifest } from './schema.ts';

/** What of the host no grant may reach; resolved paths. */
export interface HostProtection {
  /** OctantOS's configuration, state, logs, packages and sockets: no grant at all. */
  stateDirs: string[];
  /** Readable, never writable (model weights). */
  readOnlyDirs: string[];
  /** Where the octant executable (and, from source, its code) lives: never writable. */
  programDirs: string[];
}

type Access = 'read' | 'write' | 'exec';

const FIELDS: readonly [Access, (m: Manifest) => string[], string][] = [
  ['read', (m) => m.filesystem.read, 'filesystem.read'],
  ['write', (m) => m.filesystem.write, 'filesystem.write'],
  ['exec', (m) => m.processes.exec, 'processes.exec'],
];

const SAFE_DEVICES: ReadonlyMap<string, boolean> = new Map(data.safeDevices.map((d) => [d.path, d.write]));

/** The host path `path` names: the realpath of its longest existing prefix, the rest appended. */
export function resolveOnHost(path: string): string {
  let head = path;
  const rest: string[] = [];
  while (!existsSync(head)) {
    if (head === '/') return path;
    rest.unshift(basename(head));
    head = dirname(head);
  }
  return join(realpathSync(head), ...rest);
}

/** Both spellings of each path, without duplicates. */
function withResolved(paths: readonly string[]): string[] {
  return [...new Set(paths.flatMap((p) => [p, resolveOnHost(p)]))];
}

/** Directories of the running octant: the executable's, and from source the source tree it binds into sandboxes. */
export function ownProgramDirs(): string[] {
  const dirs = [dirname(process.execPath)];
  if (!buildInfo().sea) dirs.push(fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, ''));
  return dirs;
}

export function hostProtection(paths: Paths, programDirs: readonly string[] = ownProgramDirs()): HostProtection {
  return {
    stateDirs: withResolved([paths.etc, paths.state, paths.log, paths.opt, paths.run]),
    readOnlyDirs: withResolved([paths.models]),
    programDirs: withResolved(programDirs),
  };
}

function refuse(code: string, field: string, grant: string, resolved: string, why: string): OctantError {
  const spelled = resolved === grant ? grant : `${grant} (which resolves to ${resolved})`;
  return new OctantError(code, `${field}: ${spelled} ${why}`, {
    exit: EXIT.denied,
    hint: 'grant a narrower path; docs/manifests.md "Refused grants" lists what no manifest may hold',
    detail: { rule: 10, field, path: grant },
  });
}

/** `a` is inside `b` or `b` inside `a`: a bind of either shows something of the other. */
function overlaps(a: string, b: string): boolean {
  return pathWithin(a, b) || pathWithin(b, a);
}

function checkOne(access: Access, field: string, grant: string, host: HostProtection): void {
  for (const path of new Set([grant, resolveOnHost(grant)])) {
    if (path === '/') throw refuse('E_MANIFEST_GRANT_ROOT', field, grant, path, 'is the whole host filesystem');
    for (const fs of data.pseudoFilesystems) {
      if (!pathWithin(path, fs.path)) continue;
      const writable = SAFE_DEVICES.get(path);
      if (writable === true && access !== 'exec') continue;
      if (writable === false && access === 'read') continue;
      const why = writable === false && access === 'write' ? 'is a device node that may only be read' : `is ${path === fs.path ? '' : 'inside '}${fs.path}, which no agent may be granted`;
      throw refuse(fs.code, field, grant, path, why);
    }
    if (access !== 'exec') {
      const state = host.stateDirs.find((dir) => overlaps(path, dir));
      if (state !== undefined) throw refuse('E_MANIFEST_GRANT_STATE', field, grant, path, `reaches the OctantOS state directory ${state}`);
    }
    if (access === 'write') {
      const models = host.readOnlyDirs.find((dir) => overlaps(path, dir));
      if (models !== undefined) throw refuse('E_MANIFEST_GRANT_STATE', field, grant, path, `reaches the OctantOS models directory ${models}, which is read-only for agents`);
      const program = host.programDirs.find((dir) => overlaps(path, dir));
      if (program !== undefined) throw refuse('E_MANIFEST_GRANT_PROGRAM', field, grant, path, `reaches ${program}, where the octant executable lives; it may be read, never written`);
    }
  }
}

/** Rule 10: no grant reaches the host's root, pseudo-filesystems, OctantOS's own state, or (for writes) its program. */
export function checkGrants(m: Manifest, host: HostProtection): void {
  for (const [access, list, name] of FIELDS) {
    list(m).forEach((grant, i) => checkOne(access, `${name}[${i}]`, grant, host));
  }
}
