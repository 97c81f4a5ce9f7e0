// The router's saved state (<state>/router/state.json): spend per budget
// account, observed latency and success per deployment, and the ledger mark
// taken with them (spend-recovery.ts replays the ledger from there).
// Written atomically (lib/atomic-file.ts), owner-only: a few hundred bytes,
// synchronously, at stop and at most once a minute. A missing
// file is a first boot; an unreadable one is reported and ignored: the
// ledger, not this file, is the record of spend, and it is replayed whole.

import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
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

/** Save the state (lib/atomic-file.ts: the old or the new file after a crash, owner-only). */
export function saveRouterState(path: string, state: SavedRouterState): void {
  writeFileAtomic(path, JSON.stringify(state));
}
