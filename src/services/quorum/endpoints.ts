// The quorum's admin endpoints, under /v1/quorum/ (routes.ts serves them;
// `octant quorum` calls them).

import { endpoint } from '../../lib/http/route.ts';
import { readVoter } from './panel.ts';
import type { QuorumApi } from './quorum.ts';
import type { Voter } from './types.ts';

export const QUORUM_API = {
  /** GET /list?limit=N: recent decisions, newest first. */
  list: endpoint<ReturnType<QuorumApi['list']>>()({ method: 'GET', path: '/list' }),
  /** GET /show?id=ID: one decision: proposal, ballots, tally, outcome. */
  show: endpoint<ReturnType<QuorumApi['get']>>()({ method: 'GET', path: '/show' }),
  /** The voters. */
  panel: endpoint<readonly Voter[]>()({ method: 'GET', path: '/panel' }),
  /** Add or replace a voter {name, model, weight?, family?} (the panel's own reader checks it). */
  add: endpoint<Voter[]>()({ method: 'POST', path: '/panel/add', body: (value: unknown) => readVoter(value, 'request body') }),
  /** Remove a voter {name}. */
  remove: endpoint<Voter[]>()({ method: 'POST', path: '/panel/rm', body: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } }),
};
