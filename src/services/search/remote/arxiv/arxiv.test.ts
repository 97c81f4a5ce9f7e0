import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { toSearchQuery } from './convert.ts';
import { createArxivEngine } from './index.ts';

const dir = import.meta.dirname;
const atom = { 'content-type': 'application/atom+xml; charset=utf-8' };
const { fake, search } = engineConformance({
  engine: createArxivEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/query' ? { headers: atom, body: fixture(dir, 'query.atom') } : { status: 404, body: 'not found' }),
  query: { text: 'electron', offset: 0, limit: 2 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['hep-ex/0307015v1', '1234.5678v2']);
    assert.equal(hits[0]!.title, 'Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA');
    assert.equal(hits[0]!.url, 'https://arxiv.org/abs/hep-ex/0307015v1');
    assert.match(hits[0]!.snippet, /^Multi-«electron» production is studied at high «electron» transverse/);
    assert.equal(hits[0]!.meta?.category, 'hep-ex');
    assert.equal(hits[0]!.meta?.pdf, 'https://arxiv.org/pdf/hep-ex/0307015v1');
    // Escaped markup in a title is text, and never reaches the hit as a tag.
    assert.equal(hits[1]!.title, 'Electron transport in graphene & friends');
    assert.equal(hits[1]!.meta?.authors, 'A. Author, B. Author');
  },
  errors: [
    [{ status: 400, headers: atom, body: fixture(dir, 'error.atom') }, 'bad_request'],
    [{ status: 200, headers: atom, body: fixture(dir, 'error.atom') }, 'bad_request'],
  ],
  malformedBody: '<html><body>Service temporarily down</body></html>',
});

test('arxiv: the neutral query becomes search_query with AND, ANDNOT and phrases', async () => {
  assert.equal(toSearchQuery('quantum "error correction" -noise'), 'all:quantum AND all:"error correction" ANDNOT all:noise');
  assert.equal(toSearchQuery('electron'), 'all:electron');
  await search({ text: 'dark matter', offset: 10, limit: 5 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('search_query'), p.get('start'), p.get('max_results')], ['all:dark AND all:matter', '10', '5']);
});
