// Wikidata items by label and alias (wbsearchentities): facts about named
// things, in the query's language.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readWikidataError } from './errors.ts';

export function createWikidataEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'knowledge',
    description: 'Wikidata items by label and alias (wbsearchentities)',
    hosts: ['www.wikidata.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readWikidataError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
