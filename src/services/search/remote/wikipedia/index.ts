// Wikipedia, through the MediaWiki Action API's full-text search
// (https://www.mediawiki.org/wiki/API:Search): one GET per query, the
// edition chosen by the query's language.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readWikipediaError } from './errors.ts';

export function createWikipediaEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'knowledge',
    description: 'Wikipedia full-text search (MediaWiki Action API), in the query\'s language edition',
    hosts: ['*.wikipedia.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readWikipediaError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
