// Hacker News stories through the Algolia HN Search API: news and
// discussion about technology.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readHackerNewsError } from './errors.ts';

export function createHackerNewsEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'news',
    description: 'Hacker News stories (Algolia HN Search API)',
    hosts: ['hn.algolia.com'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readHackerNewsError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
