import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createDoajEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createDoajEngine(),
  route: (r) => (r.engineUrl.pathname.startsWith('/api/search/articles/') ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'articles.json') } : { status: 404, body: '{"status":"not_found","error":"no such route"}' }),
  query: { text: 'open access', offset: 0, limit: 10 },
  check(hits) {
    assert.equal(hits.length, 2);
    assert.equal(hits[0]!.url, 'https://journal.example.org/article/1');
    assert.equal(hits[0]!.snippet, 'Jane Doe, John Roe · Journal of Librarianship · 2021 — We review «open» «access» publishing models.');
    assert.equal(hits[0]!.meta?.doi, '10.1234/jl.2021.001');
    assert.equal(hits[1]!.url, 'https://doaj.org/article/ffeeddccbbaa99887766554433221100', 'an http full-text link is not used');
  },
  errors: [[{ status: 400, body: '{"status":"bad_request","error":"Query contains disallowed Lucene features"}' }, 'bad_request']],
});

test('doaj: the query is one encoded path segment; page and pageSize', async () => {
  await search({ text: 'a/b c', offset: 20, limit: 10 });
  const u = fake().requests.at(-1)!.engineUrl;
  assert.equal(u.pathname, '/api/search/articles/a%2Fb%20c');
  assert.deepEqual([u.searchParams.get('page'), u.searchParams.get('pageSize')], ['3', '10']);
});
