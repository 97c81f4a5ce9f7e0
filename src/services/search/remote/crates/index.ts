// Rust crates through crates.io's JSON API (the one its web front end
// calls), one request per query, well inside its crawler policy's one
// request a second.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readCratesError } from './errors.ts';

export function createCratesEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: 'Rust crates (crates.io /api/v1/crates)',
    hosts: ['crates.io'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readCratesError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
