// Public GitLab.com projects through the REST API, unauthenticated (no token: searches are not tied to an account).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readGitLabError } from './errors.ts';

export function createGitLabEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'code',
    description: 'Public projects on GitLab.com (REST API projects search, anonymous)',
    hosts: ['gitlab.com'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readGitLabError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
