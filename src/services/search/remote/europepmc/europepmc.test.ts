import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createEuropePmcEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createEuropePmcEngine(),
  route: (r) => (r.engineUrl.pathname === '/europepmc/webservices/rest/search' ? { headers: { 'content-type': 'application/json;charset=UTF-8' }, body: fixture(dir, 'search.json') } : { status: 404, body: 'not found' }),
  query: { text: 'malaria', offset: 0, limit: 2 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['MED:40887072', 'PPR:PPR912345']);
    assert.equal(hits[0]!.title, 'Malaria vaccines: progress and prospects.');
    assert.equal(hits[0]!.url, 'https://europepmc.org/article/MED/40887072');
    assert.equal(hits[1]!.snippet, 'Doe J. · 2025 · open access');
    assert.equal(hits[0]!.meta?.doi, '10.1016/s0140-6736(25)00001-1');
  },
  errors: [[{ status: 400, body: '{"errCode":400,"errMsg":"Invalid pageSize"}' }, 'bad_request']],
});

test('europepmc: the first cursor, offset+limit asked and the offset skipped', async () => {
  const hits = await search({ text: 'malaria', offset: 1, limit: 5 });
  assert.deepEqual(hits.map((h) => h.id), ['PPR:PPR912345']);
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('query'), p.get('format'), p.get('pageSize'), p.get('cursorMark')], ['malaria', 'json', '6', '*']);
});
