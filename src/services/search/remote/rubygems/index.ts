// Ruby gems through the rubygems.org API (search.json).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readRubyGemsError } from './errors.ts';

export function createRubyGemsEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: 'Ruby gems (rubygems.org search API)',
    hosts: ['rubygems.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readRubyGemsError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
