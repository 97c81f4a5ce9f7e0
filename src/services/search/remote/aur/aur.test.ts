import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createAurEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createAurEngine(),
  route: (r) => (r.engineUrl.pathname.startsWith('/rpc/v5/search/') ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'search.json') } : { status: 404, body: '{"error":"Not found","type":"error","version":5}' }),
  query: { text: 'sqlite', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['sqlitestudio', 'sqlite-tui-git'], 'most voted first');
    assert.equal(hits[0]!.url, 'https://aur.archlinux.org/packages/sqlitestudio');
    assert.equal(hits[1]!.snippet, 'A terminal-based «sqlite» browser · 3 votes · flagged out of date · orphaned');
  },
  errors: [[{ status: 200, headers: { 'content-type': 'application/json' }, body: fixture(dir, 'error.json') }, 'bad_request']],
});

test('aur: the query is one encoded path segment, by name and description', async () => {
  await search({ text: 'a/b', offset: 0, limit: 5 });
  const u = fake().requests.at(-1)!.engineUrl;
  assert.equal(u.pathname, '/rpc/v5/search/a%2Fb');
  assert.equal(u.searchParams.get('by'), 'name-desc');
});
