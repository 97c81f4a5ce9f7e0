// Research outputs (data sets, software, papers) through Zenodo's public records search.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readZenodoError } from './errors.ts';

export function createZenodoEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Research outputs: data sets, software, papers (Zenodo records API)',
    hosts: ['zenodo.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readZenodoError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
