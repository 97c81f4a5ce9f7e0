// Mojeek, an independent crawler-based web search engine, from its HTML
// result page.

import type { Engine } from '../../types.ts';
import { callEngine } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readMojeekError } from './errors.ts';

export function createMojeekEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'web',
    description: 'Mojeek web results (independent index; HTML result page)',
    hosts: ['www.mojeek.com'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'text/html', readError: readMojeekError });
      return toHits(answer.body, query);
    },
  };
}
