// Life-science literature (PubMed, PMC, preprints, patents) through the Europe PMC REST API.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readEuropePmcError } from './errors.ts';

export function createEuropePmcEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Life-science literature (Europe PMC REST search)',
    hosts: ['www.ebi.ac.uk'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readEuropePmcError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
