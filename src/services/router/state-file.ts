// The router's saved state (<state>/router/state.json): spend per budget
// account, observed latency and success per deployment, and the ledger mark
// taken with them (spend-recovery.ts replays the ledger from there).
// Written atomically (temporary file, fsync, rename), owner-only. A missing
// file is a first boot; an unreadable one is reported and ignored: the
// ledger, not this file, is the record of spend, and it is replayed whole.

import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../runtime/log.ts';
import type { SavedRouterState } from './spend-recovery.ts';

export async function loadRouterState(path: string, log: Logger): Promise<SavedRouterState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as SavedRouterState;
  } catch (error) {
    log.warn('router state unreadable: spend is rebuilt from the whole ledger', { path, error: (error as Error).message });
    return undefined;
  }
}

export async function saveRouterState(path: string, state: SavedRouterState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w', 0o600);
  try {
    await file.writeFile(JSON.stringify(state));
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
}
