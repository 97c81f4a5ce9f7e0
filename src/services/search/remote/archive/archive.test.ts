import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../engine-error.ts';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createInternetArchiveEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createInternetArchiveEngine(),
  route: (r) => (r.engineUrl.pathname === '/advancedsearch.php' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'advancedsearch.json') } : { status: 404, body: 'not found' }),
  query: { text: 'nasa apollo', offset: 0, limit: 2 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['Apollo11Landing', 'nasa_apollo_reports']);
    assert.equal(hits[0]!.url, 'https://archive.org/details/Apollo11Landing');
    assert.equal(hits[0]!.snippet, 'movies · «NASA», «Apollo» Program · 1969-07-20 — Footage of the «Apollo» 11 landing.');
    assert.equal(hits[1]!.title, 'NASA Apollo mission reports', 'a title sent as a list');
  },
});

test('archive: the field list, rows, page and JSON output; a failed search status is bad_request', async () => {
  await search({ text: 'jazz', offset: 20, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual(p.getAll('fl[]'), ['identifier', 'title', 'mediatype', 'description', 'creator', 'date', 'downloads']);
  assert.deepEqual([p.get('rows'), p.get('page'), p.get('output')], ['10', '3', 'json']);
  fake().script({ body: '{"responseHeader":{"status":400,"QTime":1},"response":{"numFound":0,"start":0,"docs":[]}}' });
  await assert.rejects(search(), (e: unknown) => isEngineError(e) && e.kind === 'bad_request');
});
