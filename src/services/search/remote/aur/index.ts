// AUR packages through the aurweb RPC interface (version 5, search by name and description).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readAurError } from './errors.ts';

export function createAurEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: 'Arch User Repository packages (aurweb RPC v5 search)',
    hosts: ['aur.archlinux.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readAurError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
