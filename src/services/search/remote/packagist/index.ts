// PHP Composer packages through Packagist's search API.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readPackagistError } from './errors.ts';

export function createPackagistEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: 'PHP packages (Packagist search.json)',
    hosts: ['packagist.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readPackagistError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
