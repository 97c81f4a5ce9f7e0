// The one in-memory ledger for tests of what records into the ledger (the
// vault, the router, the agent gateway and lifecycle). It is the real
// ledger without the disk: the same event validation and size limit, the
// same entry bytes and per-agent hash chain (buildEntry, leafHash), the same
// seal (a final lifecycle entry; later appends of that agent refused with
// E_LEDGER_SEALED). Tests that need entries on disk use openLedger.
// It can be told to fail, to prove that nothing acts when the ledger
// cannot record (log first, act second).

import { EXIT, OctantError } from '../../../lib/errors.ts';
import { buildEntry, isSeal, SEAL_ACTION, SEAL_KIND, SYSTEM_AGENT } from '../entry.ts';
import { leafHash } from '../merkle.ts';
import { HEADER_BYTES } from '../records.ts';
import type { LedgerApi, LedgerEntry, LedgerEvent, LedgerMark, LedgerServiceApi } from '../types.ts';

export interface MemoryLedger extends LedgerApi, Pick<LedgerServiceApi, 'size' | 'mark'> {
  /** Every entry appended, in order, as the ledger holds it (a copy of what was handed in). */
  readonly entries: LedgerEntry[];
  /** While set, every append fails with it (a ledger that cannot persist). */
  failWith: Error | null;
  /** Only the next append fails, with `error`. */
  failNext(error?: Error): void;
  /** `action:target:decision` of each entry, in order. */
  actions(): string[];
}

export function memoryLedger(): MemoryLedger {
  /** Per agent: the hash of its last entry, and whether that entry sealed it. */
  const partitions = new Map<string, { last: string; sealed: boolean }>();
  let offset = 0;
  let once: Error | null = null;
  const ledger: MemoryLedger = {
    entries: [],
    failWith: null,
    failNext(error = new Error('ledger unavailable')) {
      once = error;
    },
    actions: () => ledger.entries.map((e) => `${e.action}:${e.target}:${e.decision}`),
    size: () => ledger.entries.length,
    // Where the next entry would go; nothing is on disk, so no segment matches the offset.
    mark: (): LedgerMark => ({ seq: ledger.entries.length, offset }),
    async append(event: LedgerEvent) {
      const failure = once ?? ledger.failWith;
      once = null;
      if (failure !== null) throw failure;
      const part = partitions.get(event.agent);
      const built = buildEntry(event, ledger.entries.length, new Date().toISOString(), part?.last ?? '');
      if (part?.sealed === true) {
        throw new OctantError('E_LEDGER_SEALED', `ledger: partition of agent ${event.agent} is sealed; no appends after its seal`, { exit: EXIT.denied });
      }
      // A copy: what the caller mutates later does not change what was recorded.
      const entry = structuredClone(built.entry);
      partitions.set(event.agent, { last: leafHash(built.bytes).toString('hex'), sealed: isSeal(entry) });
      offset += HEADER_BYTES + built.bytes.length;
      ledger.entries.push(entry);
      return entry;
    },
    async seal(agent, detail = {}) {
      if (agent === SYSTEM_AGENT) throw new OctantError('E_LEDGER_EVENT', 'ledger seal: the system partition cannot be sealed');
      return ledger.append({ agent, lineage: [], kind: SEAL_KIND, action: SEAL_ACTION, target: agent, decision: 'ok', detail });
    },
  };
  return ledger;
}
