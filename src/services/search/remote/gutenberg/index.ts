// Public-domain books of Project Gutenberg through Gutendex, a JSON API over Gutenberg's catalogue.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readGutenbergError } from './errors.ts';

export function createGutenbergEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'archive',
    description: 'Project Gutenberg public-domain books (Gutendex JSON API)',
    hosts: ['gutendex.com'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readGutenbergError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
