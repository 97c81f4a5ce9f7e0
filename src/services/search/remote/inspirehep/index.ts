// High-energy physics literature through the INSPIRE REST API.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readInspireHepError } from './errors.ts';

export function createInspireHepEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'High-energy physics literature (INSPIRE REST API)',
    hosts: ['inspirehep.net'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readInspireHepError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
