// Outbound HTTP for provider adapters: node:http(s) with keep-alive agents.
// (bench/router.ts measures this against fetch; node:http wins on the
// per-request overhead, see docs/benchmarks.md.) Network failures and
// timeouts become ProviderErrors so the failover loop can act on them.

import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { ProviderError } from '../provider-error.ts';
import { readAll } from './read-all.ts';

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: IncomingMessage;
}

interface Target {
  https: boolean;
  host: string;
  port: number;
  path: string;
  /** The Host header node:http would send: host[:port], the port only when not the default. */
  hostHeader: string;
}

// Parsed request URLs: a router calls the same few endpoints over and over,
// and URL parsing showed in the per-request profile (docs/benchmarks.md).
const targets = new Map<string, Target>();

function targetOf(href: string): Target {
  let t = targets.get(href);
  if (t === undefined) {
    const url = new URL(href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${url.protocol}`);
    t = { https: url.protocol === 'https:', host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80), path: `${url.pathname}${url.search}`, hostHeader: url.host };
    if (targets.size > 1024) targets.clear();
    targets.set(href, t);
  }
  return t;
}

/** Send a request; resolves with the response head, the body still streaming. */
export function send(request: HttpRequest, provider: string, signal: AbortSignal, timeoutMs: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let t: Target;
    try {
      t = targetOf(request.url);
    } catch (error) {
      reject(new ProviderError('bad_request', `invalid base URL '${request.url}'`, { provider, cause: error }));
      return;
    }
    if (signal.aborted) {
      reject(aborted(provider));
      return;
    }
    // Headers as a flat [name, value, ...] list: node:http then frames them
    // as given (still validating each name and value against header
    // injection) instead of one setHeader() per header; it adds no Host
    // header to such a list, so it is added here.
    const headers: string[] = ['host', t.hostHeader];
    for (const name in request.headers) headers.push(name, request.headers[name]);
    if (request.body !== undefined) headers.push('content-length', String(Buffer.byteLength(request.body)));
    const options: http.RequestOptions = { host: t.host, port: t.port, path: t.path, method: request.method, headers, agent: t.https ? httpsAgent : httpAgent };
    const req = t.https ? https.request(options) : http.request(options);
    // The signal by hand, not request({signal}): that one wires an
    // end-of-stream watcher per request (a few percent of the router thread).
    // Aborting destroys the request and, once the head arrived, the body.
    let res: IncomingMessage | undefined;
    const onAbort = (): void => {
      const error = aborted(provider);
      req.destroy(error);
      res?.destroy(error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // The timeout covers the whole exchange up to the response head; a body
    // that stalls is caught by the idle timeout on the socket below.
    const timer = setTimeout(() => req.destroy(new ProviderError('timeout', `no response within ${timeoutMs} ms`, { provider })), timeoutMs);
    req.on('response', (response) => {
      res = response;
      clearTimeout(timer);
      response.setTimeout(timeoutMs, () => response.destroy(new ProviderError('timeout', `response body stalled for ${timeoutMs} ms`, { provider })));
      response.once('close', () => signal.removeEventListener('abort', onAbort));
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      reject(asProviderError(error, provider));
    });
    req.end(request.body);
  });
}

function aborted(provider: string): ProviderError {
  return new ProviderError('timeout', 'request aborted', { provider });
}

export function asProviderError(error: unknown, provider: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = error as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return new ProviderError('timeout', 'request aborted', { provider, cause: error });
  return new ProviderError('network', `${e?.code ?? 'connection failed'}: ${e?.message ?? String(error)}`, { provider, cause: error });
}

/** Read a whole body as text, refusing more than `limit` bytes. */
export async function readText(res: HttpResponse, provider: string, limit = 32 << 20): Promise<string> {
  try {
    const body = await readAll(res.body, limit, () => new ProviderError('protocol', `response body over ${limit} bytes`, { provider }));
    return body.toString('utf8');
  } catch (error) {
    throw asProviderError(error, provider);
  }
}

export async function readJson<T>(res: HttpResponse, provider: string): Promise<T> {
  const text = await readText(res, provider);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ProviderError('protocol', `malformed JSON in the response (${text.slice(0, 80)})`, { provider, status: res.status, cause: error });
  }
}

export function header(headers: IncomingMessage['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
