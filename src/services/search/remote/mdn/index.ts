// MDN Web Docs through the search API its site uses (the English docs).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readMdnError } from './errors.ts';

export function createMdnEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'docs',
    description: 'MDN Web Docs (the site search API: HTML, CSS, JavaScript, Web APIs)',
    hosts: ['developer.mozilla.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readMdnError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
