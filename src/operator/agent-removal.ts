// `octant agent rm AID` / `octant agent prune`: forget agents that have
// ended. Only an archived or rejected agent is removed (a live one, or one
// still terminating, is refused naming its state). Log first, act second:
// the removal is recorded in the ledger's operator partition (the agent's
// own partition is sealed at archive) before its directory goes, so the
// ledger keeps what the agent did and that its record and files were
// removed. rmSync unlinks the links an agent left in retained/, never what
// they point at.

import { rmSync } from 'node:fs';
import { EXIT, OctantError } from '../lib/errors.ts';
import { agentDir, listRecords, readRecord, type AgentRecord } from '../agent/lifecycle/records.ts';
import { OPERATOR_AGENT, type LedgerEvent } from '../services/ledger/api.ts';

/** States an agent never leaves: nothing runs for it any more. */
const ENDED: readonly AgentRecord['state'][] = ['archived', 'rejected'];

export type RecordEvent = (event: LedgerEvent) => Promise<unknown>;

export function removable(record: AgentRecord): boolean {
  return ENDED.includes(record.state);
}

/** Remove one ended agent's record and retained files, after recording it. */
export async function removeAgent(agentsDir: string, aid: string, record: RecordEvent): Promise<AgentRecord> {
  const found = readRecord(agentsDir, aid);
  if (!removable(found)) {
    throw new OctantError('E_AGENT_LIVE', `agent rm: ${aid} is ${found.state}; only an archived or rejected agent can be removed`, { exit: EXIT.failure, hint: `stop it first: octant agent stop ${aid}` });
  }
  await record({
    agent: OPERATOR_AGENT, lineage: [], kind: 'operator', action: 'agent.rm', target: aid, decision: 'allow',
    detail: { state: found.state, name: found.name, retained: found.retained },
  });
  rmSync(agentDir(agentsDir, aid), { recursive: true, force: true });
  return found;
}

/** Remove every ended agent; the live ones stay. */
export async function pruneAgents(agentsDir: string, record: RecordEvent): Promise<AgentRecord[]> {
  const removed: AgentRecord[] = [];
  for (const r of listRecords(agentsDir)) {
    if (!removable(r)) continue;
    removed.push(await removeAgent(agentsDir, r.aid, record));
  }
  return removed;
}
