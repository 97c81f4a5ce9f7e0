// Agent records on disk: agents/<AID>/record.json (state, manifest hash,
// lineage, times, exit), written atomically (temp file + rename) so a reader
// or a crash never sees half a record. The agent's logs and scratch
// directory live beside it.

import { mkdirSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { OctantError, EXIT } from '../../lib/errors.ts';
import { isAid } from './aid.ts';
import type { AgentState } from './state-machine.ts';
import type { ChildrenPolicy, ExitStatus } from './ports.ts';

export interface AgentRecord {
  aid: string;
  name: string;
  state: AgentState;
  manifestHash: string;
  /** The spawning agent's AID, "system" after adoption, or null for a root agent. */
  parent: string | null;
  /** AIDs from the root ancestor down to the parent ([] for a root). */
  lineage: string[];
  /** Fingerprint of the operator key that authorised the root of this lineage. */
  operator: string;
  depth: number;
  command: string[];
  childrenPolicy: ChildrenPolicy;
  graceSeconds: number;
  retain: string[];
  ttlSeconds: number | null;
  createdAt: string;
  updatedAt: string;
  /** ISO time at which the TTL (or a parent's wind-down) terminates it. */
  deadline: string | null;
  pid: number | null;
  exit: ExitStatus | null;
  /** Why it was rejected or terminated. */
  reason: string | null;
  /** Retained artifacts, relative to retained/ (after archiving). */
  retained: string[];
  history: { state: AgentState; time: string; reason?: string }[];
  /**
   * Whether its resource limits are enforced (absent in records written
   * before this was recorded): unenforced only when the operator accepted it.
   */
  limits?: AgentLimits;
}

export type AgentLimits =
  | { enforced: true; detail: string }
  | { enforced: false; reason: string; acceptedBy: 'octant run --accept-unenforced-limits' | 'services.agents.acceptUnenforcedLimits' | 'its parent' };

export function agentDir(agentsDir: string, aid: string): string {
  if (!isAid(aid)) throw new OctantError('E_AID_INVALID', `'${aid}' is not an agent id (agt_ + 26 Crockford base32 characters)`, { exit: EXIT.usage });
  return join(agentsDir, aid);
}

export function writeRecord(agentsDir: string, record: AgentRecord): void {
  const dir = agentDir(agentsDir, record.aid);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'record.json');
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}

export function readRecord(agentsDir: string, aid: string): AgentRecord {
  const file = join(agentDir(agentsDir, aid), 'record.json');
  if (!existsSync(file)) throw new OctantError('E_AGENT_UNKNOWN', `${aid}: no such agent`, { exit: EXIT.failure, hint: "'octant agent list' shows the agents" });
  return JSON.parse(readFileSync(file, 'utf8')) as AgentRecord;
}

/** Every record, oldest first (AIDs sort by creation time). */
export function listRecords(agentsDir: string): AgentRecord[] {
  if (!existsSync(agentsDir)) return [];
  return readdirSync(agentsDir)
    .filter((name) => isAid(name) && existsSync(join(agentsDir, name, 'record.json')))
    .sort()
    .map((aid) => readRecord(agentsDir, aid));
}
