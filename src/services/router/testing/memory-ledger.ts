// An in-memory LedgerApi for router tests and the bench: keeps entries in
// order, refuses appends after seal, and can be told to fail (to prove the
// router does not act when the ledger cannot record).

import type { LedgerApi, LedgerEntry, LedgerEvent, LedgerMark } from '../../ledger/types.ts';

export interface MemoryLedger extends LedgerApi {
  entries: LedgerEntry[];
  failNext: boolean;
  /** LedgerServiceApi.mark for services that save state with one: nothing is on disk, so offset 0 (no segment matches it). */
  mark(): LedgerMark;
}

export function memoryLedger(): MemoryLedger {
  const sealed = new Set<string>();
  const ledger: MemoryLedger = {
    entries: [],
    failNext: false,
    mark: () => ({ seq: ledger.entries.length, offset: 0 }),
    async append(event: LedgerEvent) {
      if (ledger.failNext) {
        ledger.failNext = false;
        throw new Error('ledger unavailable');
      }
      if (sealed.has(event.agent)) throw new Error(`partition ${event.agent} is sealed`);
      const entry: LedgerEntry = { ...event, seq: ledger.entries.length, time: new Date().toISOString(), prev: '' };
      ledger.entries.push(entry);
      return entry;
    },
    async seal(agent, detail = {}) {
      const entry = await ledger.append({ agent, lineage: [], kind: 'system', action: 'seal', target: agent, decision: 'ok', detail });
      sealed.add(agent);
      return entry;
    },
  };
  return ledger;
}
