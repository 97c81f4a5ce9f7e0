import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createDebianEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createDebianEngine(),
  route: (r) => (r.engineUrl.pathname.startsWith('/api/search/') ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'search.json') } : { status: 404, body: '{"error":"404 Not Found"}' }),
  query: { text: 'gnubg', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['gnubg', 'gnubg-data'], 'the exact match once, first');
    assert.equal(hits[0]!.url, 'https://sources.debian.org/src/gnubg/');
    assert.equal(hits[0]!.snippet, 'Debian source package «gnubg» (exact match)');
    assert.equal(hits[1]!.meta?.tracker, 'https://tracker.debian.org/pkg/gnubg-data');
  },
});

test('debian: the query is one encoded path segment', async () => {
  await search({ text: 'a/b c', offset: 0, limit: 10 });
  assert.equal(fake().requests.at(-1)!.engineUrl.pathname, '/api/search/a%2Fb%20c/');
});
