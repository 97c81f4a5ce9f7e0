// Scholarly works with DOIs through the Crossref REST API (anonymous: no
// mailto, so no "polite pool"; engine health backs off on 429).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readCrossrefError } from './errors.ts';

export function createCrossrefEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Scholarly works with DOIs (Crossref REST API /works)',
    hosts: ['api.crossref.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readCrossrefError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
