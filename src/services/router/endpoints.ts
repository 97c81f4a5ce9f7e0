// The router's admin endpoints, mounted under /v1/router/ on the admin
// socket (routes.ts serves them; the CLI calls them).

import { endpoint } from '../../lib/http/route.ts';
import type { Decision, Usage } from './types.ts';
import { chatRequestOf } from './request-check.ts';

export const ROUTER_API = {
  /** One request to one deployment, through the whole router path. */
  test: endpoint<{ deployment: string; model: string; content: string; usage: Usage; ms: number }>()({
    method: 'POST', path: '/test',
    body: { type: 'object', properties: { deployment: { type: 'string', minLength: 1 }, prompt: { type: 'string' } }, required: ['deployment'] },
  }),
  /** The decision the running router would make now (live latency, cooldowns, limits). */
  explain: endpoint<Decision>()({ method: 'POST', path: '/explain', body: chatRequestOf }),
  /** Read etc/router.yaml again and put it in force (after `router add|rm`). */
  reload: endpoint<{ deployments: string[]; routes: string[] }>()({ method: 'POST', path: '/reload' }),
  /** A TCP gateway for as long as the caller stays connected; the first line is its address. */
  serve: endpoint<AsyncIterable<{ address: string }>>()({
    method: 'POST', path: '/serve',
    body: {
      type: 'object',
      properties: { port: { type: 'integer', min: 0, max: 65535 }, host: { type: 'string', minLength: 1 }, tokenSha256: { type: 'string', pattern: /^[0-9a-f]{64}$/ } },
      required: ['port', 'tokenSha256'],
    },
  }),
};
