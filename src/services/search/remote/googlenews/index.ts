// News through Google News' search feed (RSS 2.0). Its item links go through news.google.com redirects: opening one tells Google which article was chosen (docs/search.md, known limits).

import type { Engine } from '../../types.ts';
import { callEngine } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readGoogleNewsError } from './errors.ts';

export function createGoogleNewsEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'news',
    description: 'News articles from Google News search (RSS 2.0 feed)',
    hosts: ['news.google.com'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/rss+xml', readError: readGoogleNewsError });
      return toHits(answer.body, query);
    },
  };
}
