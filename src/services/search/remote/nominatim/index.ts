// Places from OpenStreetMap through Nominatim's public instance. Its usage
// policy asks for at most one request a second and an identifying
// User-Agent; the privacy rules send the common browser one instead (an
// identifying one would name this installation to a third party), and
// engine health backs off at the first 403 or 429. Heavy users should run
// their own Nominatim.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readNominatimError } from './errors.ts';

export function createNominatimEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'maps',
    description: 'OpenStreetMap places and addresses (Nominatim /search, jsonv2)',
    hosts: ['nominatim.openstreetmap.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readNominatimError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
