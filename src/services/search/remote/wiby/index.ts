// Wiby, an independent search engine for small, lightweight ("classic web") pages, through its JSON output.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readWibyError } from './errors.ts';

export function createWibyEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'web',
    description: 'Wiby: a search engine for the classic, lightweight web (JSON output)',
    hosts: ['wiby.me'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readWibyError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
