// The context service's reads with no system running (`octant memory list|
// get|search|stats|export` offline): the same core on the same files. Texts
// are redacted of the common key formats on the way out (the vault is not
// open here; what is stored was already redacted through it on the way in).
// Nothing is written: changes need the running system, which records them
// in the ledger first.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import type { Paths } from '../../runtime/paths.ts';
import { Redactor } from '../vault/api.ts';
import type { ContextApi } from './context-api.ts';
import { createContext } from './context.ts';
import { memoryDir } from './index.ts';
import { sharingRegistry } from './sharing.ts';
import { createContextStore } from './store/context-store.ts';

export async function openContextOffline(paths: Paths, dir = ''): Promise<{ context: ContextApi; close(): Promise<void> }> {
  const where = memoryDir(paths, dir);
  // The same hybrid recall as the service's when its tiers' file exists (a system ran here); full text alone otherwise.
  const tiersFile = join(where, 'recall', 'tiers.sqlite');
  const recall = existsSync(tiersFile) ? await (await import('./recall-tiers.ts')).openRecallTiers({ file: tiersFile }) : undefined;
  const store = createContextStore({ dir: where, ...(recall !== undefined ? { tiers: recall.tiers, fuse: recall.fuse } : {}) });
  const redactor = new Redactor();
  const refuse = async (): Promise<never> => {
    throw new OctantError('E_NOT_RUNNING', 'changing an agent\'s memory needs the running system (it is recorded in the ledger first)', { exit: EXIT.unavailable, hint: "start it with 'octant boot' (or 'octant up')" });
  };
  const context = createContext({ store, redact: (text) => redactor.redactAsync(text), ledger: refuse, sharing: sharingRegistry(join(where, 'sharing.json'), refuse) });
  return { context, close: async () => { await store.close(); await recall?.close(); } };
}
