import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createZenodoEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createZenodoEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/records' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'records.json') } : { status: 404, body: '{"status":404,"message":"The requested URL was not found on the server."}' }),
  query: { text: 'cranfield', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['53155', '1000001']);
    assert.equal(hits[0]!.url, 'https://zenodo.org/records/53155');
    assert.equal(hits[0]!.snippet, 'Doe, Jane · Dataset · 2016-06-15 — The «Cranfield» test collection for information retrieval.');
    assert.equal(hits[1]!.meta?.type, 'software');
  },
  errors: [[{ status: 400, body: '{"status":400,"message":"Invalid query string syntax."}' }, 'bad_request']],
});

test('zenodo: size and page', async () => {
  await search({ text: 'bm25', offset: 20, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('size'), p.get('page')], ['bm25', '10', '3']);
});
