// Outbound HTTP/1.1 for every service that calls out (the router's
// providers today; search engines, inference and comms next): our own small
// client over net.Socket (http:) and tls.connect (https:) with a keep-alive
// pool per origin, in place of node:http's ClientRequest/Agent, whose
// framing and parsing were most of the router's per-request CPU
// (docs/benchmarks.md, "LLM router overhead"). Each request is one write
// (head and body); the response is parsed strictly (response-parser.ts), its
// body handed over as a ResponseBody. Network failures, framing errors and
// timeouts become OutboundErrors (outbound-error.ts) a caller maps to its own.
//
// No client exists at import time: whoever starts one owns it and closes it
// on stop (the router service in start() and stop()), which ends every
// pooled socket.

import { HTTP_TOKEN } from '../http-token.ts';
import { asOutboundError, OutboundError } from './outbound-error.ts';
import { Pool, type Origin, type PoolOptions } from './connection-pool.ts';
import { Exchange, aborted, type HttpResponse } from './exchange.ts';

export type { HttpResponse } from './exchange.ts';

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

interface Target extends Origin {
  key: string;
  /** `METHOD`-less start of the request: ` <path> HTTP/1.1\r\nhost: <host[:port]>\r\n`. */
  lead: string;
}

export interface HttpClient {
  /** Send a request; resolves with the response head, the body still arriving. `label` names the peer in errors. */
  send(request: HttpRequest, label: string, signal: AbortSignal, timeoutMs: number): Promise<HttpResponse>;
  /** Open and idle connections to one origin (`http://host:port`). */
  sockets(origin: string): { open: number; idle: number };
  /** Close every connection, idle or busy; later sends fail ('network'). */
  close(): void;
}

// RFC 9110 §5.1 (field-name = token) and §5.5 (field values: no CR, LF or
// NUL; we also refuse other controls and non-ASCII, so a value is written
// byte for byte as given).
const VALUE = /^[\t\x20-\x7e]*$/;
// Framing fields are ours to set: a second Content-Length or a
// Transfer-Encoding from a caller would let two parsers disagree on where
// this request ends.
const FRAMING = /^(?:host|content-length|transfer-encoding|connection)$/i;

export function createHttpClient(options: PoolOptions = { maxSockets: 256, idleMs: 4_000 }): HttpClient {
  const pools = new Map<string, Pool>();
  // Parsed request URLs: a router calls the same few endpoints over and
  // over, and URL parsing showed in the per-request profile.
  const targets = new Map<string, Target>();
  let closed = false;

  function targetOf(href: string): Target {
    let t = targets.get(href);
    if (t === undefined) {
      const url = new URL(href);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${url.protocol}`);
      const https = url.protocol === 'https:';
      const port = Number(url.port) || (https ? 443 : 80);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      t = { https, host, port, key: `${url.protocol}//${url.host}`, lead: ` ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n` };
      if (targets.size > 1024) targets.clear();
      targets.set(href, t);
    }
    return t;
  }

  function poolOf(t: Target): Pool {
    let pool = pools.get(t.key);
    if (pool === undefined) pools.set(t.key, (pool = new Pool(t, options)));
    return pool;
  }

  function send(request: HttpRequest, label: string, signal: AbortSignal, timeoutMs: number): Promise<HttpResponse> {
    let t: Target;
    try {
      t = targetOf(request.url);
    } catch (error) {
      return Promise.reject(new OutboundError('bad_request', `invalid base URL '${request.url}'`, label, { cause: error }));
    }
    if (closed) return Promise.reject(new OutboundError('network', 'the outbound client is closed', label));
    if (signal.aborted) return Promise.reject(aborted(label));
    let head = request.method + t.lead;
    for (const name in request.headers) {
      const value = request.headers[name];
      // The value is never quoted back: it may be a key.
      if (!HTTP_TOKEN.test(name)) return Promise.reject(new OutboundError('bad_request', `outbound header name '${name.slice(0, 40)}' is not a token`, label));
      if (!VALUE.test(value)) return Promise.reject(new OutboundError('bad_request', `outbound header '${name}' has a control or non-ASCII character in its value`, label));
      if (FRAMING.test(name)) return Promise.reject(new OutboundError('bad_request', `outbound header '${name}' is set by the client itself`, label));
      head += `${name}: ${value}\r\n`;
    }
    const bytes = request.body === undefined ? `${head}\r\n` : `${head}content-length: ${Buffer.byteLength(request.body)}\r\n\r\n${request.body}`;
    return new Promise((resolve, reject) => new Exchange(bytes, label, signal, timeoutMs, resolve, reject).run(poolOf(t)));
  }

  return {
    send,
    sockets(origin) {
      const pool = pools.get(origin);
      return { open: pool?.open ?? 0, idle: pool?.idle ?? 0 };
    },
    close() {
      closed = true;
      for (const pool of pools.values()) pool.close();
      pools.clear();
    },
  };
}

/** Read a whole body as text, refusing more than `limit` bytes. */
export async function readText(res: HttpResponse, label: string, limit = 32 << 20): Promise<string> {
  try {
    const body = await res.body.collect(limit, () => new OutboundError('protocol', `response body over ${limit} bytes`, label));
    return body.toString('utf8');
  } catch (error) {
    throw asOutboundError(error, label);
  }
}

export async function readJson<T>(res: HttpResponse, label: string): Promise<T> {
  const text = await readText(res, label);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new OutboundError('protocol', `malformed JSON in the response (${text.slice(0, 80)})`, label, { status: res.status, cause: error });
  }
}

export function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
