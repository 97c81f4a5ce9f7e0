// arXiv preprints through its public API (Atom). arXiv asks clients to
// leave three seconds between calls; engine health backs off when it
// answers 503.

import type { Engine } from '../../types.ts';
import { callEngine } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readArxivError } from './errors.ts';

export function createArxivEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'arXiv preprints (export.arxiv.org API, Atom)',
    hosts: ['export.arxiv.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/atom+xml', readError: readArxivError });
      return toHits(answer.body, query);
    },
  };
}
