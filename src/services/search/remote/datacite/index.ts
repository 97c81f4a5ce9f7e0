// Research data sets, software and other DOIs through the DataCite REST API.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readDataCiteError } from './errors.ts';

export function createDataCiteEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Research data and other DOIs registered with DataCite (REST API /dois)',
    hosts: ['api.datacite.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readDataCiteError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
