// Debian source packages by name through the Debian Sources API.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readDebianError } from './errors.ts';

export function createDebianEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: 'Debian source packages by name (sources.debian.org API)',
    hosts: ['sources.debian.org'],
    async search(query, ctx) {
      if (query.text.trim() === '') return [];
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readDebianError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
