// Repositories on Codeberg through its Forgejo (Gitea-compatible) API, anonymous.

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readCodebergError } from './errors.ts';

export function createCodebergEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'code',
    description: 'Codeberg repositories (Forgejo API repos/search)',
    hosts: ['codeberg.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readCodebergError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
