// Small HTTP pieces the gateway's API files share: bounded JSON bodies,
// JSON replies, SSE framing, and the map from our errors to HTTP statuses.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { OctantError, isOctantError } from '../../../lib/errors.ts';
import { isProviderError } from '../provider-error.ts';
import { readJsonBody } from '../../../lib/json-body.ts';

export const BODY_LIMIT = 16 << 20;

/** Deepest nesting a request body may have (tool schemas included). */
export const DEPTH_LIMIT = 64;

/** The request's JSON body: 413 over BODY_LIMIT (the reply still reaches the client), 400 if malformed. */
export function readBody(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req, { limit: BODY_LIMIT, maxDepth: DEPTH_LIMIT });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // Flat [name, value, ...] headers: node:http writes them as given, without
  // building and validating a header map (cheaper per reply).
  res.writeHead(status, ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(text))]).end(text);
}

export function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

export function writeSse(res: ServerResponse, data: unknown, event?: string): void {
  res.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

/** HTTP status for an error the router raised. 402 for budgets: SDKs do not retry it. */
export function statusOf(error: unknown): number {
  const explicit = isOctantError(error) ? error.detail?.status : undefined;
  if (typeof explicit === 'number' && !isProviderError(error)) return explicit;
  if (isProviderError(error)) {
    if (error.kind === 'bad_request' || error.kind === 'context_length') return 400;
    if (error.kind === 'rate_limited') return 429;
    if (error.kind === 'timeout') return 504;
    return 502;
  }
  if (!isOctantError(error)) return 500;
  if (error.code === 'E_ROUTER_BUDGET') return 402;
  if (error.code === 'E_ROUTER_UNAVAILABLE' || error.code === 'E_ROUTER_EXHAUSTED') return 503;
  if (error.code.startsWith('E_GATEWAY') || error.code === 'E_ROUTER_CONFIG') return 400;
  return 500;
}

/** The request field an error names (the `param` of OpenAI's error body), or null. */
export function paramOf(error: unknown): string | null {
  const param = isOctantError(error) ? error.detail?.param : undefined;
  return typeof param === 'string' ? param : null;
}

export function messageOfError(error: unknown): string {
  return isOctantError(error) ? `${error.code}: ${error.message}` : 'internal error';
}

