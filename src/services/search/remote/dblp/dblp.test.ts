import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createDblpEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createDblpEngine(),
  route: (r) => (r.engineUrl.pathname === '/search/publ/api' ? { headers: { 'content-type': 'application/json; charset=utf-8' }, body: fixture(dir, 'publ.json') } : { status: 404, body: 'not found' }),
  query: { text: 'rank fusion', offset: 0, limit: 30 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['conf/sigir/CormackCB09', 'journals/ftir/RobertsonZ09']);
    assert.equal(hits[0]!.title, 'Reciprocal rank fusion outperforms condorcet and individual rank learning methods');
    assert.equal(hits[0]!.snippet, 'Gordon V. Cormack, Charles L. A. Clarke, Stefan Büttcher · SIGIR · 2009');
    // A single author arrives as an object, a venue as a list, and only an https link is used.
    assert.equal(hits[1]!.snippet, 'Stephen E. Robertson · Found. Trends Inf. Retr. · 2009');
    assert.equal(hits[1]!.url, 'https://doi.org/10.1561/1500000019');
    assert.equal(hits[0]!.score, 7);
  },
});

test('dblp: h and f carry limit and offset; a single hit sent as an object is read', async () => {
  await search({ text: 'bm25', offset: 30, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('format'), p.get('h'), p.get('f')], ['bm25', 'json', '10', '30']);
  const one = JSON.parse(fixture(dir, 'publ.json'));
  one.result.hits.hit = one.result.hits.hit[1];
  fake().script({ body: JSON.stringify(one) });
  assert.deepEqual((await search()).map((h) => h.id), ['journals/ftir/RobertsonZ09']);
});
