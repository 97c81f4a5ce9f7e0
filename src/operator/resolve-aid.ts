// An AID argument as operators give it (docker-style): the whole id or any
// unique start of one, checked against the agent records on disk.

import { EXIT, OctantError } from '../lib/errors.ts';
import { listRecords } from '../agent/lifecycle/records.ts';

/**
 * An agent id as given: a whole AID, or a unique prefix of one (at least
 * "agt_" and one more character), or the name of exactly one live agent.
 * Ambiguous or unknown prefixes and names are refused,
 * naming the candidates.
 */
const AID_PREFIX = /^agt_[0-9A-HJKMNP-TV-Z]{1,26}$/;

export function resolveAid(dir: string, given: string): string {
  if (!AID_PREFIX.test(given)) {
    // An agent name: the one live agent that has it (boot commands in
    // init.run name their agents so, having no way to learn an id).
    const live = listRecords(dir).filter((r) => r.name === given && !['terminated', 'archived', 'rejected'].includes(r.state));
    if (live.length === 1) return live[0].aid;
    if (live.length > 1) throw new OctantError('E_AGENT_AMBIGUOUS', `${given}: ${live.length} live agents have this name (${live.slice(0, 5).map((r) => r.aid).join(', ')})`, { exit: EXIT.usage, hint: 'give the id' });
    throw new OctantError('E_AID_INVALID', `'${given}' is not an agent id, the start of one (agt_...) or a live agent's name`, { exit: EXIT.usage, hint: "'octant agent list' shows the agents" });
  }
  const ids = listRecords(dir).map((r) => r.aid);
  if (ids.includes(given)) return given;
  const matches = ids.filter((aid) => aid.startsWith(given));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new OctantError('E_AGENT_UNKNOWN', `${given}: no such agent`, { exit: EXIT.failure, hint: "'octant agent list' shows the agents" });
  throw new OctantError('E_AGENT_AMBIGUOUS', `${given}: matches ${matches.length} agents (${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', ...' : ''})`, { exit: EXIT.usage, hint: 'give more of the id' });
}

