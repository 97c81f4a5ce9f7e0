// Computer science bibliography through the dblp publication search API (JSON).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readDblpError } from './errors.ts';

export function createDblpEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Computer science publications (dblp search API)',
    hosts: ['dblp.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readDblpError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
