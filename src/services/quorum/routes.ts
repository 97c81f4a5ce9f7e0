// The quorum's admin routes, under /v1/quorum/ (what `octant quorum` calls):
//   GET  /list?limit=N        recent decisions, newest first
//   GET  /show?id=ID          one decision: proposal, ballots, tally, outcome
//   GET  /panel               the voters
//   POST /panel/add {name, model, weight?, family?}   add or replace a voter
//   POST /panel/rm  {name}                            remove a voter
// A panel change is recorded in the ledger before it is in force.

import { EXIT, OctantError } from '../../lib/errors.ts';
import { route } from '../../lib/http/route.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { QUORUM_API } from './endpoints.ts';
import type { LedgerAppend } from '../ledger/api.ts';
import { withoutVoter, withVoter } from './panel.ts';
import type { QuorumApi } from './quorum.ts';
import type { Voter } from './types.ts';

export interface QuorumRouteDeps {
  quorum: QuorumApi;
  ledger: LedgerAppend;
  panel(): readonly Voter[];
  /** Save the panel file and put it in force. */
  setPanel(panel: Voter[]): void;
  /** Model names the router serves (routes and deployments). */
  models(): string[];
}

export function quorumRoutes(deps: QuorumRouteDeps): AdminRoutes {
  const change = async (action: string, target: string, next: Voter[]): Promise<Voter[]> => {
    await deps.ledger({ agent: 'system', lineage: [], kind: 'governance', action, target, decision: 'allow', detail: { panel: next.map((v) => ({ ...v })) } });
    deps.setPanel(next);
    return next;
  };
  return [
    route(QUORUM_API.list, (req) => {
      const limit = Number(req.query.get('limit') ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new OctantError('E_USAGE', 'limit: must be an integer from 1 to 10000', { exit: EXIT.usage });
      return deps.quorum.list(limit);
    }),
    route(QUORUM_API.show, (req) => deps.quorum.get(req.query.get('id') ?? '')),
    route(QUORUM_API.panel, () => deps.panel()),
    route(QUORUM_API.add, async ({ body: voter }) => {
      const models = deps.models();
      if (!models.includes(voter.model)) {
        throw new OctantError('E_QUORUM_PANEL', `model: the router serves no route or deployment ${JSON.stringify(voter.model)}`, { exit: EXIT.usage, hint: models.length === 0 ? "add one with 'octant router add'" : `known: ${models.join(', ')}` });
      }
      return change('quorum.panel.add', voter.name, withVoter(deps.panel(), voter));
    }),
    route(QUORUM_API.remove, async ({ body }) => change('quorum.panel.rm', body.name, withoutVoter(deps.panel(), body.name))),
  ];
}
