// Java (JVM) artifacts on Maven Central through its search REST API (Solr JSON).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readMavenError } from './errors.ts';

export function createMavenEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: 'Java artifacts on Maven Central (search.maven.org Solr API)',
    hosts: ['search.maven.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readMavenError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
