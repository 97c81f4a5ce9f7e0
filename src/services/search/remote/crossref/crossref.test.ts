import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createCrossrefEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createCrossrefEngine(),
  route: (r) => (r.engineUrl.pathname === '/works' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'works.json') } : { status: 404, body: 'Resource not found.' }),
  query: { text: 'reciprocal rank fusion', offset: 0, limit: 2 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['10.1145/1571941.1572114', '10.1000/example.2']);
    assert.equal(hits[0]!.url, 'https://dx.doi.org/10.1145/1571941.1572114');
    assert.equal(hits[0]!.snippet, 'Gordon V. Cormack, Charles L A Clarke, Stefan Buettcher · Proceedings of the 32nd international ACM SIGIR conference on Research and development in information retrieval · 2009');
    assert.equal(hits[1]!.title, 'Rank fusion for metasearch');
    assert.equal(hits[1]!.snippet, 'The «Fusion» Consortium — We compare «rank» «fusion» methods.');
    assert.equal(hits[0]!.meta?.year, 2009);
  },
  errors: [[{ status: 400, body: fixture(dir, 'validation-failure.json') }, 'bad_request']],
});

test('crossref: rows, offset and a select list; never a mailto', async () => {
  await search({ text: 'bm25', offset: 20, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('query'), p.get('rows'), p.get('offset'), p.get('mailto')], ['bm25', '10', '20', null]);
  assert.match(p.get('select') ?? '', /^DOI,/);
});
