import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createGoogleNewsEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createGoogleNewsEngine(),
  route: (r) => (r.engineUrl.pathname === '/rss/search' ? { headers: { 'content-type': 'application/xml; charset=utf-8' }, body: fixture(dir, 'search.rss') } : { status: 404, body: 'Not Found' }),
  query: { text: 'open source search', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.title), ['An open source search engine reaches 1.0', 'Why local search matters']);
    assert.match(hits[0]!.url!, /^https:\/\/news\.google\.com\/rss\/articles\/CBMi/);
    assert.equal(hits[0]!.snippet, 'Example Times · 2026-12-02 — An «open» «source» «search» engine reaches 1.0');
    assert.equal(hits[1]!.meta?.site, 'https://dailybit.example.org');
    assert.equal(hits[0]!.meta?.published, '2026-12-02T09:30:00.000Z');
  },
  malformedBody: '<html><body>Sorry...</body></html>',
  errors: [[{ status: 302, headers: { location: 'https://consent.google.com/ml?continue=x' }, body: '' }, 'blocked']],
});

test('googlenews: one generic locale for everyone; offset slices the feed', async () => {
  const hits = await search({ text: 'x', offset: 1, limit: 5 });
  assert.deepEqual(hits.map((h) => h.title), ['Why local search matters']);
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('hl'), p.get('gl'), p.get('ceid')], ['x', 'en-US', 'US', 'US:en']);
});
