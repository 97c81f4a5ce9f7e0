// Places from OpenStreetMap through the public Photon geocoder (search-as-you-type, typo tolerant). Its fair-use terms allow light use; health backs off on refusal.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readPhotonError } from './errors.ts';

export function createPhotonEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'maps',
    description: 'OpenStreetMap places with typo tolerance (Photon geocoder, GeoJSON)',
    hosts: ['photon.komoot.io'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readPhotonError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
