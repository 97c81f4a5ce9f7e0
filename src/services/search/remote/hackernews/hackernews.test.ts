import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createHackerNewsEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createHackerNewsEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/v1/search' ? { headers: { 'content-type': 'application/json; charset=utf-8' }, body: fixture(dir, 'search.json') } : { status: 404, body: '{"message":"Not Found","status":404}' }),
  query: { text: 'fts5 search', offset: 0, limit: 20 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['7182345', '23380000']);
    assert.equal(hits[0]!.url, 'https://www.sqlite.org/fts5.html');
    assert.equal(hits[0]!.snippet, 'SQLite «FTS5» is a full-text «search» extension · 431 points · 96 comments · 2014-02-05');
    assert.equal(hits[1]!.url, 'https://news.ycombinator.com/item?id=23380000', 'Ask HN links to its discussion');
    assert.equal(hits[1]!.meta?.discussion, 'https://news.ycombinator.com/item?id=23380000');
  },
  errors: [[{ status: 400, body: '{"message":"Invalid value for \\"hitsPerPage\\" parameter","status":400}' }, 'bad_request']],
});

test('hackernews: stories only, zero-based page', async () => {
  await search({ text: 'rust', offset: 40, limit: 20 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('query'), p.get('tags'), p.get('page'), p.get('hitsPerPage')], ['rust', 'story', '2', '20']);
});
