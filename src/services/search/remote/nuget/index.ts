// NuGet (.NET) packages through the search query service the nuget.org service index names (SearchQueryService, azuresearch-usnc).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readNuGetError } from './errors.ts';

export function createNuGetEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: '.NET packages (NuGet search query service)',
    hosts: ['azuresearch-usnc.nuget.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readNuGetError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
