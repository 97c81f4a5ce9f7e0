// Chemical compounds through PubChem's PUG REST: the query is looked up as
// a compound name (PUG REST has no free-text search); 404 means no such
// name. NCBI's limit is five requests a second.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readPubChemError } from './errors.ts';

export function createPubChemEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Chemical compounds by name: formula, weight, IUPAC name (PubChem PUG REST)',
    hosts: ['pubchem.ncbi.nlm.nih.gov'],
    async search(query, ctx) {
      const url = toSearchUrl(query);
      if (url === undefined) return [];
      const answer = await callEngine(ENGINE, ctx, { url, accept: 'application/json', readError: readPubChemError, notFoundIsAnswer: true });
      return answer.status === 404 ? [] : toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
