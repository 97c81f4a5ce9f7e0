// Arch Linux packages through the official repositories web interface (JSON).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readArchLinuxError } from './errors.ts';

export function createArchLinuxEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: 'Arch Linux official repository packages (packages/search/json)',
    hosts: ['archlinux.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readArchLinuxError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
