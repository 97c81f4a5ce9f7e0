// Wiktionary: definitions, etymologies and translations, through the
// MediaWiki full-text search of the query's language edition.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readWiktionaryError } from './errors.ts';

export function createWiktionaryEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'knowledge',
    description: 'Wiktionary entries (MediaWiki Action API search), in the query\'s language edition',
    hosts: ['*.wiktionary.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readWiktionaryError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
