import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createOpenAlexEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createOpenAlexEngine(),
  route: (r) => (r.engineUrl.pathname === '/works' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'works.json') } : { status: 404, body: '{"error":"Not found","message":"no such path"}' }),
  query: { text: 'open access', offset: 0, limit: 25 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['W2741809807', 'W2000000001']);
    assert.equal(hits[0]!.url, 'https://doi.org/10.7717/peerj.4375');
    assert.equal(hits[1]!.url, 'https://example.org/oa-citations');
    assert.equal(hits[0]!.snippet, 'Heather Piwowar, Jason Priem · PeerJ · 2018 · cited by 850');
    assert.equal(hits[0]!.meta?.doi, '10.7717/peerj.4375');
    assert.equal(hits[0]!.score, 1521.3);
  },
  errors: [[{ status: 400, body: '{"error":"Invalid query parameters error.","message":"per-page is not a valid parameter"}' }, 'bad_request']],
});

test('openalex: page and per-page from offset and limit; never a mailto', async () => {
  await search({ text: 'bm25', offset: 50, limit: 25 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('search'), p.get('page'), p.get('per-page'), p.get('mailto')], ['bm25', '3', '25', null]);
});
