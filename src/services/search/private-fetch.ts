// The EngineFetch a remote engine is given: the privacy rules applied to
// every request, whoever sends it (an agent's egress proxy, or the
// service's own client for an operator's --remote query):
//   - only the headers a search request needs go out (Accept,
//     Accept-Language, Content-Type); the adapter's others are dropped;
//   - never a Cookie, a Referer, an Authorization, a From, an X-Forwarded-*
//     or a Via: nothing that ties one query to another, or to us;
//   - one common User-Agent for every query from every machine;
//   - responses are read up to a cap, and Set-Cookie is never kept (there
//     is no cookie jar to keep it in).
// The query itself is logged nowhere but the ledger (docs/search.md).

import type { IncomingMessage } from 'node:http';
import { OctantError } from '../../lib/errors.ts';
import type { EngineFetch } from './types.ts';

/** The User-Agent every query goes out with: a common browser's, so it says nothing about this machine. */
export const COMMON_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** Request headers an adapter may set; every other one is dropped. */
const ALLOWED = new Set(['accept', 'accept-language', 'content-type']);

/** Largest response body an engine may send (a results page is far smaller). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** The headers that leave: the allowed ones of the adapter's, and the common User-Agent. */
export function privateHeaders(headers: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (ALLOWED.has(key) && !/[\r\n\0]/.test(value)) out[key] = value;
  }
  out['user-agent'] = COMMON_USER_AGENT;
  out['accept-language'] ??= 'en';
  return out;
}

/** One request as the transport sends it, with the privacy rules already applied. */
export type Transport = (request: { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }, signal: AbortSignal) => Promise<IncomingMessage>;

async function bodyOf(res: IncomingMessage, url: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > MAX_RESPONSE_BYTES) {
      res.destroy();
      throw new OctantError('E_SEARCH_RESPONSE_TOO_LARGE', `${url}: the response is over ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An EngineFetch over `transport` that applies the privacy rules to every request. */
export function privateFetch(transport: Transport): EngineFetch {
  return async (url, init) => {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new OctantError('E_SEARCH_URL', `${parsed.protocol} is not http or https`);
    if (parsed.username !== '' || parsed.password !== '') throw new OctantError('E_SEARCH_URL', `${parsed.host}: a URL with credentials is never sent`);
    const res = await transport({ url, method: init.method ?? 'GET', headers: privateHeaders(init.headers), ...(init.body === undefined ? {} : { body: init.body }) }, init.signal);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (name !== 'set-cookie' && typeof value === 'string') headers[name] = value;
    }
    let read: Promise<string> | undefined;
    return { status: res.statusCode ?? 0, headers, text: () => (read ??= bodyOf(res, `${parsed.host}${parsed.pathname}`)) };
  };
}
