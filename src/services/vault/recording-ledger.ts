// A LedgerApi that keeps entries in memory, for tests of the vault's
// decisions (which entry, in which order, before which effect). The real
// ledger (services/ledger) is used where entries must reach the disk.

import type { LedgerApi, LedgerEntry, LedgerEvent } from '../ledger/types.ts';

export class RecordingLedger implements LedgerApi {
  readonly entries: LedgerEntry[] = [];
  /** When set, the next appends fail with it (a ledger that cannot persist). */
  failWith: Error | null = null;

  async append(event: LedgerEvent): Promise<LedgerEntry> {
    if (this.failWith !== null) throw this.failWith;
    const entry: LedgerEntry = { ...structuredClone(event), seq: this.entries.length, time: new Date().toISOString(), prev: '' };
    this.entries.push(entry);
    return entry;
  }

  async seal(agent: string, detail: Record<string, unknown> = {}): Promise<LedgerEntry> {
    return this.append({ agent, lineage: [], kind: 'lifecycle', action: 'seal', target: agent, decision: 'ok', detail });
  }

  actions(): string[] {
    return this.entries.map((e) => `${e.action}:${e.target}:${e.decision}`);
  }
}
