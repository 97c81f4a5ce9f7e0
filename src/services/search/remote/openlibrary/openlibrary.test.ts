import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createOpenLibraryEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createOpenLibraryEngine(),
  route: (r) => (r.engineUrl.pathname === '/search.json' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'search.json') } : { status: 404, body: '{"error": "notfound"}' }),
  query: { text: 'the lord of the rings', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['OL27448W', 'OL14933414W']);
    assert.equal(hits[0]!.url, 'https://openlibrary.org/works/OL27448W');
    assert.equal(hits[0]!.snippet, 'J.R.R. Tolkien · first published 1954 · 120 editions · subjects: Fiction, Middle Earth (Imaginary place), Fantasy fiction, Elves, Hobbits');
    assert.equal(hits[1]!.meta?.year, 1954);
  },
});

test('openlibrary: limit, offset and a field list', async () => {
  await search({ text: 'dune', offset: 20, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('limit'), p.get('offset')], ['dune', '10', '20']);
  assert.match(p.get('fields') ?? '', /^key,title,/);
});
