// Where OctantOS keeps its files.
//
// Installed system-wide (or running as PID 1) it uses the fixed layout of the
// product description: /etc/octant, /var/lib/octant, /var/log/octant,
// /opt/octant, /data/models, /run/octant. Otherwise everything lives under one
// state root: `--root DIR`, else $OCTANT_ROOT, else ~/.octant.

import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { OctantError } from '../lib/errors.ts';

export interface Paths {
  /** 'system' for the fixed layout, 'root' for a single state root. */
  layout: 'system' | 'root';
  /** The state root (for 'system' this is '/'). */
  root: string;
  etc: string;        // configuration, trusted keys, roles, manifests
  state: string;      // persistent state: ledger, vault, identity, agents
  log: string;        // operational logs
  opt: string;        // skills and packages
  models: string;     // local model weights
  run: string;        // sockets and pid files (admin socket lives here)
}

/** Marker that says "this machine has a system-wide install". */
export const SYSTEM_MARKER = '/etc/octant/system';

export interface PathInputs {
  rootFlag?: string;
  env?: Record<string, string | undefined>;
  pid?: number;
}

export function resolvePaths(inputs: PathInputs = {}): Paths {
  const env = inputs.env ?? process.env;
  const explicit = inputs.rootFlag ?? env.OCTANT_ROOT;
  if (explicit !== undefined && explicit !== '') return rootLayout(explicit, inputs.rootFlag !== undefined ? '--root' : 'OCTANT_ROOT');
  if ((inputs.pid ?? process.pid) === 1 || existsSync(SYSTEM_MARKER)) return systemLayout();
  return rootLayout(join(env.HOME ?? homedir(), '.octant'), 'default');
}

export function systemLayout(): Paths {
  return {
    layout: 'system',
    root: '/',
    etc: '/etc/octant',
    state: '/var/lib/octant',
    log: '/var/log/octant',
    opt: '/opt/octant',
    models: '/data/models',
    run: '/run/octant',
  };
}

export function rootLayout(dir: string, source = '--root'): Paths {
  if (dir.includes('\0')) throw new OctantError('E_PATHS_ROOT', `${source}: the state root contains a NUL byte`);
  const root = isAbsolute(dir) ? resolve(dir) : resolve(process.cwd(), dir);
  return {
    layout: 'root',
    root,
    etc: join(root, 'etc'),
    state: join(root, 'lib'),
    log: join(root, 'log'),
    opt: join(root, 'opt'),
    models: join(root, 'models'),
    run: join(root, 'run'),
  };
}

/** The admin API's Unix socket. */
export function adminSocketPath(paths: Paths): string {
  return join(paths.run, 'admin.sock');
}
