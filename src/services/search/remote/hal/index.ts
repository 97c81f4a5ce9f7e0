// Research papers deposited in HAL, the French national open archive, through its Solr search API.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readHalError } from './errors.ts';

export function createHalEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Open archive HAL: French and international research papers (search API, Solr JSON)',
    hosts: ['api.archives-ouvertes.fr'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readHalError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
