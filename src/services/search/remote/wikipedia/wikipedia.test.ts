import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createWikipediaEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createWikipediaEngine(),
  route: (r) => (r.engineUrl.pathname === '/w/api.php' ? { body: fixture(dir, 'search.json'), headers: { 'content-type': 'application/json; charset=utf-8', 'set-cookie': 'WMF-Last-Access=03-Dec-2026; Path=/' } } : { status: 404, body: 'no route' }),
  query: { text: 'Nelson Mandela', offset: 0, limit: 3 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.title), ['Nelson Mandela', 'Death of Nelson Mandela', 'Nelson Mandela Bay Metropolitan Municipality']);
    assert.equal(hits[0]!.url, 'https://en.wikipedia.org/wiki/Nelson_Mandela');
    assert.match(hits[0]!.snippet, /^«Nelson» Rolihlahla «Mandela» \(/);
    assert.match(hits[1]!.snippet, /South Africa & to be/);
    assert.equal(hits[0]!.meta?.words, 23664);
  },
  errors: [
    [{ status: 200, headers: { 'mediawiki-api-error': 'ratelimited', 'retry-after': '5' }, body: fixture(dir, 'error-ratelimited.json') }, 'rate_limited'],
    [{ status: 200, headers: { 'mediawiki-api-error': 'maxlag' }, body: '{"error":{"code":"maxlag","info":"Waiting for a database server"}}' }, 'server'],
    [{ status: 200, headers: { 'mediawiki-api-error': 'badvalue' }, body: '{"error":{"code":"badvalue","info":"Unrecognized value"}}' }, 'bad_request'],
  ],
});

test('wikipedia: the query, page and language travel as list=search parameters', async () => {
  await search({ text: 'Nelson Mandela', offset: 20, limit: 10, lang: 'de' });
  const r = fake().requests.at(-1)!;
  assert.equal(r.engineUrl.hostname, 'de.wikipedia.org');
  const p = r.engineUrl.searchParams;
  assert.equal(p.get('srsearch'), 'Nelson Mandela');
  assert.equal(p.get('sroffset'), '20');
  assert.equal(p.get('srlimit'), '10');
  assert.equal(p.get('list'), 'search');
  // A language tag that is not one falls back to English rather than naming an arbitrary host.
  await search({ text: 'x', offset: 0, limit: 1, lang: 'evil.example/..' });
  assert.equal(fake().requests.at(-1)!.engineUrl.hostname, 'en.wikipedia.org');
});
