// Papers through the Semantic Scholar Academic Graph API, without a key
// (the shared unauthenticated pool: 429s are common, and health suspends).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readSemanticScholarError } from './errors.ts';

export function createSemanticScholarEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Papers (Semantic Scholar Academic Graph API relevance search, no key)',
    hosts: ['api.semanticscholar.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readSemanticScholarError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
