// Elixir and Erlang packages through the hex.pm API (packages search, by recent downloads).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readHexError } from './errors.ts';

export function createHexEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: 'Elixir and Erlang packages (hex.pm API)',
    hosts: ['hex.pm'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readHexError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
