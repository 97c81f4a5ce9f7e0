// Privacy rules for every request a remote engine sends (docs/search.md,
// "Privacy model"). An engine learns the query text and the egress address,
// and nothing that ties the query to this machine, this agent or an
// earlier query:
// - headers come from an ALLOW LIST (below), everything else is refused;
// - one common browser User-Agent and one generic Accept-Language for
//   everyone, so our requests blend into ordinary browser traffic instead
//   of naming the product, its version or the host's locale;
// - no Cookie is ever sent and Set-Cookie is dropped from every answer, so
//   an engine cannot link two queries through a cookie jar (there is none);
// - no Referer or Origin (they would name the page or app asking);
// - no identifying headers (X-Forwarded-For, Forwarded, Via, From, client
//   hints...), which the allow list already excludes and which are named in
//   errors so a failure says which rule was broken;
// - no query string or form parameter that identifies: API keys, client
//   ids, sessions, contact addresses (Crossref's and OpenAlex's `mailto`,
//   NCBI's `tool`/`email`: the "polite pool" is traded for anonymity), or
//   tracking parameters;
// - https only, and no credentials in the URL.
// buildEngineRequest() makes the one request shape adapters can send;
// assertCleanRequest() checks any request (the search service's proxy test
// runs it on what actually reaches the wire).

import { OctantError } from '../../../lib/errors.ts';

/**
 * Chrome's reduced User-Agent on Windows: the most common string on the web
 * (Chrome freezes the minor version and OS details, so millions of browsers
 * send exactly this). Updating it is a one-line change with no other effect.
 */
export const COMMON_USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** The same for everyone, whatever the host's locale (the query's language travels as an engine parameter where one exists). */
export const GENERIC_ACCEPT_LANGUAGE = 'en-US,en;q=0.9';

/** What browsers offer; engine-fetch.ts decodes all three (Stack Exchange gzips whatever we ask). */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/** The only form body an engine may be sent (DuckDuckGo's no-JS page is a form POST). */
export const FORM_TYPE = 'application/x-www-form-urlencoded';

// The headers a request may carry. host, content-length and connection are
// framing the HTTP client writes itself; they say nothing about who asks.
const ALLOWED_HEADERS: ReadonlySet<string> = new Set([
  'user-agent', 'accept', 'accept-language', 'accept-encoding', 'content-type',
  'host', 'content-length', 'connection',
]);

// Headers refused with a rule of their own (the allow list refuses them
// anyway; naming them makes the error say why).
const IDENTIFYING_HEADERS: ReadonlySet<string> = new Set([
  'x-forwarded-for', 'x-forwarded-host', 'forwarded', 'via', 'x-real-ip', 'client-ip', 'true-client-ip', 'x-client-ip',
  'from', 'authorization', 'proxy-authorization', 'x-requested-with', 'dnt', 'sec-gpc', 'x-api-key',
]);

// Query string and form parameters that identify the asker or link queries:
// credentials and app keys, client and session ids, contact addresses, and
// campaign/click trackers. Names compared case-insensitively.
const IDENTIFYING_PARAM = new RegExp('^(?:' + [
  'key', 'api_?key', 'apikey', 'access_token', 'token', 'auth', 'client', 'client_?id', 'app_?id', // credentials, apps
  'session(?:_?id)?', 'sid', 'uid', 'user(?:_?id)?', 'visitor_?id', 'device_?id', 'vqd', // sessions, users
  'mailto', 'email', 'tool', // contact addresses (Crossref/OpenAlex polite pool, NCBI E-utilities)
  'utm_[a-z_]+', 'gclid', 'fbclid', 'msclkid', 'dclid', 'mc_cid', 'mc_eid', '_ga', // tracking
].join('|') + ')$', 'i');

// Media types and q-values; nothing else may hide in Accept.
const ACCEPT_VALUE = /^[\w.+*/-]+(?:;q=[01](?:\.\d{1,3})?)?(?:\s*,\s*[\w.+*/-]+(?:;q=[01](?:\.\d{1,3})?)?)*$/;

export interface OutgoingRequest {
  url: string;
  method: 'GET' | 'POST';
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string;
}

/** A request as seen anywhere (an adapter's, or one captured at the proxy): header values may be repeated. */
export interface ObservedRequest {
  url: string;
  method?: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body?: string;
}

function refuse(rule: string, message: string): OctantError {
  return new OctantError('E_SEARCH_PRIVACY', `privacy rule '${rule}': ${message}`, {
    hint: 'remote engine requests carry only the headers and parameters privacy.ts allows',
    detail: { rule },
  });
}

/**
 * The one request shape an adapter can send. `init.headers` may name only
 * Accept (a media type list) and, for a form POST, Content-Type; any other
 * header an adapter tries to add is refused, not dropped, so the adapter's
 * bug is found in its tests.
 */
export function buildEngineRequest(url: string, init: { method?: 'GET' | 'POST'; headers?: Readonly<Record<string, string>>; body?: string }): OutgoingRequest {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse('url', `not a URL: ${url.slice(0, 80)}`);
  }
  // The query text is in the URL or body: it never crosses the network in clear.
  if (parsed.protocol !== 'https:') throw refuse('https', `engines are reached over https only, not ${parsed.protocol}`);
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {
    'user-agent': COMMON_USER_AGENT,
    accept: '*/*',
    'accept-language': GENERIC_ACCEPT_LANGUAGE,
    'accept-encoding': ACCEPT_ENCODING,
  };
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'accept') headers.accept = value;
    else if (lower === 'content-type' && method === 'POST') headers['content-type'] = value;
    else throw refuse('header', `an adapter may not set '${lower}'`);
  }
  const request: OutgoingRequest = { url: parsed.href, method, headers };
  if (init.body !== undefined) request.body = init.body;
  assertCleanRequest(request);
  return request;
}

function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.join(', ');
}

function checkParams(params: URLSearchParams, where: string): void {
  for (const name of params.keys()) {
    if (IDENTIFYING_PARAM.test(name)) throw refuse('identifying-parameter', `${where} parameter '${name}' identifies the asker or links queries`);
  }
}

/** Throws E_SEARCH_PRIVACY naming the first rule the request breaks. */
export function assertCleanRequest(request: ObservedRequest): void {
  let url: URL;
  try {
    url = new URL(request.url, 'https://engine.invalid');
  } catch {
    throw refuse('url', `not a URL: ${request.url.slice(0, 80)}`);
  }
  if (url.username !== '' || url.password !== '') throw refuse('credentials', 'credentials in the URL');
  checkParams(url.searchParams, 'query string');

  for (const [rawName, rawValue] of Object.entries(request.headers)) {
    const name = rawName.toLowerCase();
    const value = single(rawValue);
    if (value === undefined) continue;
    if (name === 'cookie' || name === 'cookie2') throw refuse('no-cookie', 'a Cookie header would link queries together');
    if (name === 'referer' || name === 'origin') throw refuse('no-referrer', `a ${name} header names who asks`);
    if (IDENTIFYING_HEADERS.has(name) || name.startsWith('sec-ch-') || name.startsWith('x-')) throw refuse('identifying-header', `'${name}' identifies the machine or the asker`);
    if (!ALLOWED_HEADERS.has(name)) throw refuse('header', `'${name}' is not on the allow list`);
    if (name === 'user-agent' && value !== COMMON_USER_AGENT) throw refuse('user-agent', `the User-Agent must be the common browser string, not '${value.slice(0, 60)}'`);
    if (name === 'accept-language' && value !== GENERIC_ACCEPT_LANGUAGE) throw refuse('accept-language', `Accept-Language must be the generic '${GENERIC_ACCEPT_LANGUAGE}', not '${value.slice(0, 40)}'`);
    if (name === 'accept' && !ACCEPT_VALUE.test(value)) throw refuse('accept', `Accept must be a list of media types, not '${value.slice(0, 60)}'`);
    if (name === 'content-type' && value !== FORM_TYPE) throw refuse('body', `only ${FORM_TYPE} bodies are sent, not '${value.slice(0, 40)}'`);
  }
  if (single(request.headers['user-agent']) === undefined) throw refuse('user-agent', 'no User-Agent: a bare client stands out (and some engines refuse it)');

  if (request.body !== undefined && request.body !== '') {
    const type = single(request.headers['content-type']);
    if (type !== FORM_TYPE) throw refuse('body', `a body must be a ${FORM_TYPE} form`);
    checkParams(new URLSearchParams(request.body), 'form');
  }
}

/** Response headers without the ones that would let an engine keep state on us. */
export function cleanResponseHeaders(headers: Readonly<Record<string, string | readonly string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    // Nothing stores cookies, but dropping them here means nothing downstream
    // (a ledger entry, a debug dump) can even see one.
    if (name === 'set-cookie' || name === 'set-cookie2') continue;
    const value = single(rawValue);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
