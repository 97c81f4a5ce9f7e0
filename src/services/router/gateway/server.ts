// The gateway: the router's OpenAI- and Anthropic-compatible routes,
// declared for the HTTP core (lib/http). They are mounted by the agent
// runtime on each agent's gateway socket (agent/gateway/server.ts), or served
// by an operator on a TCP port (`router serve`, serveGateway). Every request
// is authenticated before its body is read, by the token the caller holds
// (Authorization: Bearer or x-api-key), resolved by the injected
// authenticate(); the token never reaches a provider.

import type { IncomingHttpHeaders } from 'node:http';
import { EXIT, OctantError } from '../../../lib/errors.ts';
import type { Surface } from '../../../lib/http/errors.ts';
import { serveTcp, serveUnix, type Served } from '../../../lib/http/listen.ts';
import { endpoint, routeWith, type RouteGroup } from '../../../lib/http/route.ts';
import type { HttpApp } from '../../../lib/http/serve.ts';
import type { HttpLimits } from '../../../lib/http/body.ts';
import type { Authenticate, Caller, RouterApi } from '../types.ts';
import { messages } from './anthropic-api.ts';
import { ANTHROPIC_ERRORS, OPENAI_ERRORS } from './error-shapes.ts';
import { chatCompletions, embeddings, models, responses } from './openai-api.ts';
import { validateMessages } from './anthropic-request.ts';
import { validateChat, validateEmbeddings } from './openai-request.ts';
import { validateResponses } from './responses-request.ts';

/** The gateway's route groups (OpenAI-shaped errors, and Anthropic's for /v1/messages). */
export type GatewayRoutes = readonly RouteGroup<Caller>[];

export interface GatewayOptions {
  router: RouterApi;
  authenticate: Authenticate;
}

/** How the core names the gateway's own refusals (E_GATEWAY_BODY_TOO_LARGE...). */
export const GATEWAY_SURFACE: Surface = { label: 'gateway', prefix: 'E_GATEWAY' };

/** A model request may carry long conversations and tool schemas. */
export const GATEWAY_LIMITS: HttpLimits = {
  maxBodyBytes: 16 << 20,
  maxDepth: 64,
  // Also the idle time of a keep-alive connection between requests (SDKs reuse them).
  headTimeoutMs: 30_000,
  bodyTimeoutMs: 60_000,
};

function tokenOf(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const key = headers['x-api-key'];
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/** A model request must have a body; then it is the API's validator's. */
function present<T>(validate: (body: unknown) => T): (body: unknown) => T {
  return (body) => {
    if (body === undefined) throw new OctantError('E_GATEWAY_BODY', 'gateway: request body: empty; expects a JSON object', { exit: EXIT.usage });
    return validate(body);
  };
}

/**
 * The endpoints, their bodies checked by each API's own validator (every
 * member the API defines is type- and range-checked; errors name the field
 * as that API does, in `param`).
 */
export const GATEWAY_API = {
  models: endpoint()({ method: 'GET', path: '/models' }),
  chat: endpoint()({ method: 'POST', path: '/chat/completions', body: present(validateChat) }),
  responses: endpoint()({ method: 'POST', path: '/responses', body: present(validateResponses) }),
  embeddings: endpoint()({ method: 'POST', path: '/embeddings', body: present(validateEmbeddings) }),
  messages: endpoint()({ method: 'POST', path: '/messages', body: present(validateMessages) }),
};

const withCaller = routeWith<Caller>();

const unauthorized = (): OctantError => new OctantError('E_GATEWAY_AUTH', 'missing or unknown gateway token', { detail: { status: 401 } });

export function createGatewayRoutes(options: GatewayOptions): GatewayRoutes {
  const { router, authenticate } = options;
  const context = async ({ headers }: { headers: IncomingHttpHeaders }): Promise<Caller> => {
    const token = tokenOf(headers);
    const caller = token === undefined ? undefined : await authenticate(token);
    if (caller === undefined) throw unauthorized();
    return caller;
  };
  return [
    {
      prefix: '/v1',
      context,
      errors: ANTHROPIC_ERRORS,
      routes: [withCaller(GATEWAY_API.messages, ({ body, context: caller }) => messages(body, router, caller))],
    },
    {
      prefix: '/v1',
      context,
      errors: OPENAI_ERRORS,
      routes: [
        withCaller(GATEWAY_API.models, () => models(router)),
        withCaller(GATEWAY_API.chat, ({ body, context: caller }) => chatCompletions(body, router, caller)),
        withCaller(GATEWAY_API.responses, ({ body, context: caller }) => responses(body, router, caller)),
        withCaller(GATEWAY_API.embeddings, ({ body, context: caller }) => embeddings(body, router, caller)),
      ],
    },
  ];
}

/** The gateway as an app of its own (`router serve`, tests, the bench). */
export function gatewayApp(routes: GatewayRoutes): HttpApp<Caller> {
  return { surface: GATEWAY_SURFACE, groups: () => routes, limits: GATEWAY_LIMITS, errors: OPENAI_ERRORS };
}

export type Listen = { port: number; host?: string } | { path: string };

export type RunningGateway = Served;

export function serveGateway(routes: GatewayRoutes, listen: Listen): Promise<RunningGateway> {
  const app = gatewayApp(routes);
  return 'path' in listen ? serveUnix(app, listen.path) : serveTcp(app, { port: listen.port, host: listen.host });
}
