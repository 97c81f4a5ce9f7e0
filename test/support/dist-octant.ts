// The built executable and whether sandboxed agents can run it here: the
// integration tests that drive dist/octant with real agents skip with this
// reason (printed) where they cannot.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OCTANT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'octant');

const hasBwrap = spawnSync('sh', ['-c', 'command -v bwrap']).stdout.toString().trim() !== '';

/** Why agents cannot run through dist/octant here, or false when they can. */
export const agentSkip: string | false = process.getuid?.() !== 0
  ? 'needs root (sandboxes and cgroups)'
  : !hasBwrap ? 'bwrap is not installed' : !existsSync(OCTANT) ? 'dist/octant is not built (npm test builds it)' : false;
