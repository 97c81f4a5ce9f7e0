// The last few ledger entries of each live agent, kept in memory as they are
// appended, so a proposal to the quorum can show the voters what the agent
// did just before (docs/governance.md "What a voter sees"). Wraps the one
// append function the agent runtime uses; the ledger itself is unchanged.

import type { LedgerAppend } from '../../services/ledger/api.ts';
import type { RecentEntry } from '../../services/quorum/api.ts';

export interface RecentLedger {
  append: LedgerAppend;
  recent(agent: string): RecentEntry[];
  /** Forget an agent (when it is archived). */
  forget(agent: string): void;
}

export function recentLedger(append: LedgerAppend, keep = 8, maxAgents = 4096): RecentLedger {
  const byAgent = new Map<string, RecentEntry[]>();
  return {
    async append(event) {
      const entry = await append(event);
      let list = byAgent.get(entry.agent);
      if (list === undefined) {
        // Bounded: the oldest agent's entries go first (a Map keeps insertion order).
        if (byAgent.size >= maxAgents) byAgent.delete(byAgent.keys().next().value!);
        byAgent.set(entry.agent, (list = []));
      }
      list.push({ seq: entry.seq, action: entry.action, target: entry.target, decision: entry.decision });
      if (list.length > keep) list.shift();
      return entry;
    },
    recent: (agent) => [...(byAgent.get(agent) ?? [])],
    forget: (agent) => void byAgent.delete(agent),
  };
}
