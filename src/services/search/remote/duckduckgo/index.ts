// DuckDuckGo web results from its no-JavaScript page (one form POST, no
// cookie, no region, no vqd: only the first page of results).

import type { Engine } from '../../types.ts';
import { callEngine } from '../engine-http.ts';
import { toForm, toHits } from './convert.ts';
import { ENGINE, readDuckDuckGoError } from './errors.ts';
import { FORM_URL } from './wire.ts';

export function createDuckDuckGoEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'web',
    description: 'DuckDuckGo web results (no-JS HTML page, first page only)',
    hosts: ['html.duckduckgo.com'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: FORM_URL, accept: 'text/html', form: toForm(query), readError: readDuckDuckGoError });
      return toHits(answer.body, query);
    },
  };
}
