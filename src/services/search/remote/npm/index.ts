// npm packages through the public registry's search endpoint.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readNpmError } from './errors.ts';

export function createNpmEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: 'npm packages (registry.npmjs.org /-/v1/search)',
    hosts: ['registry.npmjs.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readNpmError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
