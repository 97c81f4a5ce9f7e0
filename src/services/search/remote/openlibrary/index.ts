// Books through Open Library's search API (works, with authors and first publication year).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readOpenLibraryError } from './errors.ts';

export function createOpenLibraryEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'knowledge',
    description: 'Books and authors (Open Library search.json)',
    hosts: ['openlibrary.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readOpenLibraryError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
