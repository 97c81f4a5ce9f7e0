import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createGutenbergEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createGutenbergEngine(),
  route: (r) => (r.engineUrl.pathname === '/books/' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'books.json') } : { status: 404, body: '{"detail":"Not found."}' }),
  query: { text: 'frankenstein', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['84', '41445']);
    assert.equal(hits[0]!.url, 'https://www.gutenberg.org/ebooks/84');
    assert.equal(hits[0]!.snippet, "Shelley, Mary Wollstonecraft (1797–1851) · «Frankenstein»'s monster (Fictitious character) -- Fiction; Gothic fiction; Horror tales · en · 120000 downloads");
    assert.equal(hits[1]!.snippet, 'Anonymous · fr · 300 downloads');
  },
});

test('gutenberg: pages of 32', async () => {
  await search({ text: 'dickens', offset: 64, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('search'), p.get('page')], ['dickens', '3']);
});
