// Open access journal articles through the Directory of Open Access Journals search API.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readDoajError } from './errors.ts';

export function createDoajEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Open access journal articles (DOAJ search API)',
    hosts: ['doaj.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readDoajError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
