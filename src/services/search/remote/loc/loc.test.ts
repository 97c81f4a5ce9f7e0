import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createLibraryOfCongressEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createLibraryOfCongressEngine(),
  route: (r) => (r.engineUrl.pathname === '/search/' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'search.json') } : { status: 404, body: 'Not Found' }),
  query: { text: 'wright brothers', offset: 0, limit: 25 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.url), ['https://www.loc.gov/item/2002695036/', 'https://www.loc.gov/item/mwright000001/'], 'http ids are made https');
    assert.equal(hits[0]!.snippet, 'photo, print, drawing · daniels, john t. · 1903-12-17 — Photograph of the first powered, controlled flight at Kitty Hawk.');
    assert.equal(hits[1]!.title, 'Wilbur and Orville Wright papers: diaries');
  },
});

test('loc: JSON output, count and page', async () => {
  await search({ text: 'maps', offset: 50, limit: 25 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('fo'), p.get('c'), p.get('sp')], ['maps', 'json', '25', '3']);
});
