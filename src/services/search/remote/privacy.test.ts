// Each privacy rule refuses what it must (negative) and lets the clean
// request through (its working twin).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCEPT_ENCODING, COMMON_USER_AGENT, FORM_TYPE, GENERIC_ACCEPT_LANGUAGE, assertCleanRequest, buildEngineRequest, cleanResponseHeaders, type ObservedRequest } from './privacy.ts';

const clean: ObservedRequest = {
  url: 'https://api.example.org/search?q=rust+lifetimes&page=2',
  method: 'GET',
  headers: { host: 'api.example.org', 'user-agent': COMMON_USER_AGENT, accept: 'application/json', 'accept-language': GENERIC_ACCEPT_LANGUAGE, 'accept-encoding': ACCEPT_ENCODING },
};
const refused = (r: ObservedRequest, rule: string): void => {
  assert.throws(() => assertCleanRequest(r), (e: unknown) => e instanceof Error && 'code' in e && e.code === 'E_SEARCH_PRIVACY' && e.message.includes(`'${rule}'`), rule);
};
const withHeaders = (extra: Record<string, string>): ObservedRequest => ({ ...clean, headers: { ...clean.headers, ...extra } });

test('privacy: the clean request passes (the twin of every refusal below)', () => {
  assert.doesNotThrow(() => assertCleanRequest(clean));
  assert.doesNotThrow(() => assertCleanRequest({ ...clean, method: 'POST', headers: { ...clean.headers, 'content-type': FORM_TYPE, 'content-length': '9' }, body: 'q=x&b=&kl=wt-wt' }));
});

test('privacy: no cookie', () => {
  refused(withHeaders({ cookie: 'kl=en-us' }), 'no-cookie');
  refused(withHeaders({ Cookie: 'a=b' }), 'no-cookie');
});

test('privacy: no referrer, no origin', () => {
  refused(withHeaders({ referer: 'https://html.duckduckgo.com/' }), 'no-referrer');
  refused(withHeaders({ origin: 'https://octant.local' }), 'no-referrer');
});

test('privacy: no identifying header', () => {
  for (const h of ['x-forwarded-for', 'forwarded', 'via', 'x-real-ip', 'from', 'authorization', 'dnt', 'sec-ch-ua-platform', 'x-octant-agent']) {
    refused(withHeaders({ [h]: 'something' }), 'identifying-header');
  }
  // Anything else off the allow list is refused too.
  refused(withHeaders({ 'if-none-match': '"abc"' }), 'header');
});

test('privacy: the common user agent and generic language only', () => {
  refused(withHeaders({ 'user-agent': 'octant/0.1.0 (+https://example.org)' }), 'user-agent');
  refused(withHeaders({ 'user-agent': 'curl/8.5.0' }), 'user-agent');
  const { 'user-agent': _ua, ...noUa } = clean.headers;
  refused({ ...clean, headers: noUa }, 'user-agent');
  refused(withHeaders({ 'accept-language': 'de-CH,de;q=0.9' }), 'accept-language');
  refused(withHeaders({ accept: 'application/json; session=abc123' }), 'accept');
});

test('privacy: no identifying query or form parameter, no credentials in the URL', () => {
  for (const p of ['client_id=abc', 'key=K', 'api_key=K', 'mailto=me@example.org', 'email=me@example.org', 'tool=octant', 'session=1', 'sid=1', 'utm_source=x', 'gclid=1', 'vqd=4-123']) {
    refused({ ...clean, url: `${clean.url}&${p}` }, 'identifying-parameter');
  }
  refused({ ...clean, url: 'https://user:pw@api.example.org/search?q=x' }, 'credentials');
  refused({ ...clean, method: 'POST', headers: { ...clean.headers, 'content-type': FORM_TYPE }, body: 'q=x&uid=42' }, 'identifying-parameter');
  refused({ ...clean, method: 'POST', body: '{"q":"x"}' }, 'body');
  refused({ ...clean, method: 'POST', headers: { ...clean.headers, 'content-type': 'application/json' }, body: '{"q":"x"}' }, 'body');
});

test('privacy: buildEngineRequest makes the clean shape and refuses what an adapter may not add', () => {
  const r = buildEngineRequest('https://api.example.org/search?q=x', { headers: { Accept: 'application/json' } });
  assert.deepEqual(r.headers, { 'user-agent': COMMON_USER_AGENT, accept: 'application/json', 'accept-language': GENERIC_ACCEPT_LANGUAGE, 'accept-encoding': ACCEPT_ENCODING });
  assert.equal(r.method, 'GET');
  assert.throws(() => buildEngineRequest('http://api.example.org/search?q=x', {}), /'https'/);
  assert.throws(() => buildEngineRequest('https://api.example.org/search?q=x', { headers: { 'x-api-key': 'k' } }), /'header'/);
  assert.throws(() => buildEngineRequest('https://api.example.org/search?q=x', { headers: { 'content-type': FORM_TYPE } }), /'header'/, 'content-type only with POST');
  assert.throws(() => buildEngineRequest('https://api.example.org/search?q=x&mailto=a@b.c', {}), /'identifying-parameter'/);
  const post = buildEngineRequest('https://html.duckduckgo.com/html/', { method: 'POST', headers: { 'content-type': FORM_TYPE }, body: 'q=x' });
  assert.equal(post.headers['content-type'], FORM_TYPE);
});

test('privacy: Set-Cookie never survives the answer; other headers do', () => {
  const h = cleanResponseHeaders({ 'Set-Cookie': ['a=1', 'b=2'], 'content-type': 'text/html', 'set-cookie2': 'c=3', 'Retry-After': '5' });
  assert.deepEqual(h, { 'content-type': 'text/html', 'retry-after': '5' });
});
