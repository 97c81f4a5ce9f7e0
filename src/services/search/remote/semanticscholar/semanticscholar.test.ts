import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createSemanticScholarEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createSemanticScholarEngine(),
  route: (r) => (r.engineUrl.pathname === '/graph/v1/paper/search' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'paper-search.json') } : { status: 404, body: '{"message":"Not Found"}' }),
  query: { text: 'literature graph', offset: 0, limit: 2 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.title), ['Construction of the Literature Graph in Semantic Scholar', 'The Semantic Scholar Open Data Platform']);
    assert.equal(hits[0]!.snippet, 'Waleed Ammar, Dirk Groeneveld, Chandra Bhagavatula et al. · NAACL · 2018 — We describe a deployed scalable system for organizing published scientific «literature» into a heterogeneous «graph».');
    assert.equal(hits[0]!.meta?.doi, '10.1145/3292500.3330701');
    assert.equal(hits[1]!.meta?.arxiv, '2301.10140');
  },
  errors: [
    [{ status: 429, body: '{"message": "Too Many Requests. Please wait and try again or apply for a key for higher rate limits.", "code": "429"}' }, 'rate_limited'],
    [{ status: 400, body: '{"error": "Unrecognized or unsupported fields: [bogus]"}' }, 'bad_request'],
  ],
});

test('semanticscholar: offset, limit and the field list are parameters; no key is sent', async () => {
  await search({ text: 'bm25', offset: 10, limit: 5 });
  const r = fake().requests.at(-1)!;
  const p = r.engineUrl.searchParams;
  assert.deepEqual([p.get('query'), p.get('offset'), p.get('limit')], ['bm25', '10', '5']);
  assert.equal(r.headers['x-api-key'], undefined);
});
