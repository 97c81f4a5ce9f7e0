// The gateway: one HTTP handler per router, mounted by the agent runtime on
// each agent's gateway socket (a Unix socket), or served by an operator on a
// TCP port. Every request is authenticated by the token the agent holds
// (Authorization: Bearer or x-api-key), resolved by the injected
// authenticate(); the token never reaches a provider.

import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OctantError } from '../../../lib/errors.ts';
import type { Authenticate, Caller, RouterApi } from '../types.ts';
import { anthropicError, messages } from './anthropic-api.ts';
import { chatCompletions, embeddings, models, openAIError, responses } from './openai-api.ts';

export type GatewayHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface GatewayOptions {
  router: RouterApi;
  authenticate: Authenticate;
}

function tokenOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && key !== '' ? key : undefined;
}

const unauthorized = (): OctantError => new OctantError('E_GATEWAY_AUTH', 'missing or unknown gateway token', { detail: { status: 401 } });
const notFound = (path: string): OctantError => new OctantError('E_GATEWAY_ROUTE', `no such endpoint '${path}'`, { detail: { status: 404 } });

export function createGatewayHandler(options: GatewayOptions): GatewayHandler {
  const { router, authenticate } = options;
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const anthropicStyle = path === '/v1/messages';
    const fail = (error: unknown): void => (anthropicStyle ? anthropicError(res, error) : openAIError(res, error));
    void (async () => {
      const token = tokenOf(req);
      const caller: Caller | undefined = token === undefined ? undefined : await authenticate(token);
      if (caller === undefined) throw unauthorized();
      const route = `${req.method} ${path}`;
      if (route === 'GET /v1/models') return models(res, router);
      if (route === 'POST /v1/chat/completions') return chatCompletions(req, res, router, caller);
      if (route === 'POST /v1/responses') return responses(req, res, router, caller);
      if (route === 'POST /v1/embeddings') return embeddings(req, res, router, caller);
      if (route === 'POST /v1/messages') return messages(req, res, router, caller);
      throw notFound(path);
    })().catch((error: unknown) => {
      // Every failure becomes a response in the caller's API shape.
      try {
        fail(error);
      } catch {
        res.destroy();
      }
    });
  };
}

export type Listen = { port: number; host?: string } | { path: string };

export interface RunningGateway {
  /** http://host:port, or the socket path. */
  address: string;
  close(): Promise<void>;
}

export async function serveGateway(handler: GatewayHandler, listen: Listen): Promise<RunningGateway> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('path' in listen) server.listen(listen.path, resolve);
    else server.listen(listen.port, listen.host ?? '127.0.0.1', resolve);
  });
  const a = server.address();
  const address = typeof a === 'string' ? a : `http://${(a as AddressInfo).address}:${(a as AddressInfo).port}`;
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
