// GitHub repositories through the REST search API, unauthenticated (10
// searches a minute per address): no token is ever sent, so searches are
// not tied to an account.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readGitHubError } from './errors.ts';

export function createGitHubEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'code',
    description: 'GitHub repositories (REST search API, unauthenticated)',
    hosts: ['api.github.com'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/vnd.github+json', readError: (a) => readGitHubError(a) });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
