// An AID argument as operators give it (docker-style): the whole id or any
// unique start of one, checked against the agent records on disk.

import { EXIT, OctantError } from '../lib/errors.ts';
import { listRecords } from '../agent/lifecycle/records.ts';

/**
 * An agent id as given: a whole AID, or a unique prefix of one (at least
 * "agt_" and one more character). Ambiguous or unknown prefixes are refused,
 * naming the candidates.
 */
export function resolveAid(dir: string, given: string): string {
  if (!/^agt_[0-9A-HJKMNP-TV-Z]{1,26}$/.test(given)) throw new OctantError('E_AID_INVALID', `'${given}' is not an agent id or the start of one (agt_...)`, { exit: EXIT.usage, hint: "'octant agent list' shows the agents" });
  const ids = listRecords(dir).map((r) => r.aid);
  if (ids.includes(given)) return given;
  const matches = ids.filter((aid) => aid.startsWith(given));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new OctantError('E_AGENT_UNKNOWN', `${given}: no such agent`, { exit: EXIT.failure, hint: "'octant agent list' shows the agents" });
  throw new OctantError('E_AGENT_AMBIGUOUS', `${given}: matches ${matches.length} agents (${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', ...' : ''})`, { exit: EXIT.usage, hint: 'give more of the id' });
}

