// Stack Exchange Q&A (Stack Overflow by default; filters.site picks another
// site) through the public API without a key: 300 requests a day per
// address (https://api.stackexchange.com/docs/throttle), so health
// suspension matters here.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readStackExchangeError } from './errors.ts';

export function createStackExchangeEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'qa',
    description: 'Stack Overflow and the other Stack Exchange sites (API 2.3 advanced search, no key)',
    hosts: ['api.stackexchange.com'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readStackExchangeError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
