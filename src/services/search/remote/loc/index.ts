// Items of the Library of Congress collections through the loc.gov JSON API (fo=json).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readLibraryOfCongressError } from './errors.ts';

export function createLibraryOfCongressEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'archive',
    description: 'Library of Congress collections: books, photos, maps, manuscripts (loc.gov JSON API)',
    hosts: ['www.loc.gov'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readLibraryOfCongressError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
