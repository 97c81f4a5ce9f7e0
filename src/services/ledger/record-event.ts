// recordEvent(paths, event): append one event whether or not a system runs.
//
// While a system runs, its ledger service holds the writer lock, so a CLI
// command cannot open the ledger itself (E_LEDGER_LOCKED); it appends through
// the admin socket instead (POST /v1/ledger/append, append-route.ts). When no
// system answers, it opens the ledger directly, appends and closes. The admin
// socket is 0600 and owned by the user who booted the system (root in
// production), so only that user's commands can append this way.

import { isOctantError } from '../../lib/errors.ts';
import { admin } from '../../runtime/admin/client.ts';
import { LEDGER_API } from './append-route.ts';
import type { Logger } from '../../runtime/log.ts';
import type { Paths } from '../../runtime/paths.ts';
import { openLedger } from './index.ts';
import type { LedgerEntry, LedgerEvent } from './types.ts';

function viaSystem(paths: Paths, event: LedgerEvent): Promise<LedgerEntry> {
  return admin(paths, 'ledger').call(LEDGER_API.append, event);
}

async function direct(paths: Paths, event: LedgerEvent, log?: Logger): Promise<LedgerEntry> {
  const ledger = await openLedger(paths, { log });
  try {
    return await ledger.append(event);
  } finally {
    await ledger.close();
  }
}

/** Append `event` durably: through the running system if there is one, else directly. Resolves to the entry. */
export async function recordEvent(paths: Paths, event: LedgerEvent, options: { log?: Logger } = {}): Promise<LedgerEntry> {
  try {
    return await viaSystem(paths, event);
  } catch (error) {
    // Down (no socket), or up without a ledger route (the service is not
    // running): the writer lock tells which of the two is true.
    if (!isOctantError(error, 'E_NOT_RUNNING') && !isOctantError(error, 'E_ADMIN_NOT_FOUND')) throw error;
  }
  try {
    return await direct(paths, event, options.log);
  } catch (error) {
    if (!isOctantError(error, 'E_LEDGER_LOCKED')) throw error;
    // A system booted between the two attempts holds the lock now: ask it.
    // If it still cannot take the event, the lock is the error worth seeing.
    try {
      return await viaSystem(paths, event);
    } catch (again) {
      if (isOctantError(again, 'E_NOT_RUNNING') || isOctantError(again, 'E_ADMIN_NOT_FOUND')) throw error;
      throw again;
    }
  }
}
