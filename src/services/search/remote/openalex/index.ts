// Scholarly works through OpenAlex's open API (anonymous).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readOpenAlexError } from './errors.ts';

export function createOpenAlexEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Scholarly works, authors and venues (OpenAlex /works search)',
    hosts: ['api.openalex.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readOpenAlexError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
