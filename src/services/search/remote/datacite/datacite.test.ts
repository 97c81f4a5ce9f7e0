import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createDataCiteEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createDataCiteEngine(),
  route: (r) => (r.engineUrl.pathname === '/dois' ? { headers: { 'content-type': 'application/vnd.api+json' }, body: fixture(dir, 'dois.json') } : { status: 404, body: '{"errors":[{"status":"404","title":"The resource you are looking for doesn\'t exist."}]}' }),
  query: { text: 'malaria', offset: 0, limit: 25 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['10.5061/dryad.8515', '10.1234/soft.42']);
    assert.equal(hits[0]!.url, 'https://doi.org/10.5061/dryad.8515');
    assert.equal(hits[0]!.snippet, 'Ollomo, Benjamin; Durand, Patrick · Dryad · Dataset · 2011 — Plasmodium falciparum is the major human «malaria» agent.');
    assert.equal(hits[1]!.snippet, 'Zenodo · Software · 2024', 'a publisher given as an object');
  },
  errors: [[{ status: 400, body: '{"errors":[{"status":"400","title":"Invalid page size"}]}' }, 'bad_request']],
});

test('datacite: JSON:API paging parameters', async () => {
  await search({ text: 'ocean', offset: 50, limit: 25 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('query'), p.get('page[size]'), p.get('page[number]')], ['ocean', '25', '3']);
});
