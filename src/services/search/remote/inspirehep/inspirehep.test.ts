import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createInspireHepEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createInspireHepEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/literature' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'literature.json') } : { status: 404, body: '{"status":404,"message":"Not found"}' }),
  query: { text: 'higgs', offset: 0, limit: 2 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['1124337', '2000001']);
    assert.equal(hits[0]!.url, 'https://inspirehep.net/literature/1124337');
    assert.equal(hits[0]!.snippet.slice(0, 120), 'Aad, Georges, Abajyan, Tatevik, Abbott, Brad et al. · Phys.Lett.B · 2012 · cited by 18000 — A search for the Standard Mo');
    assert.match(hits[0]!.snippet, /Model «Higgs» boson/);
    assert.equal(hits[0]!.meta?.arxiv, '1207.7214');
    assert.equal(hits[1]!.snippet, 'Doe, Jane · cited by 2');
  },
  errors: [[{ status: 400, body: '{"status":400,"message":"The syntax of the search query is invalid."}' }, 'bad_request']],
});

test('inspirehep: size, page and a field list', async () => {
  await search({ text: 'neutrino', offset: 20, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('size'), p.get('page')], ['neutrino', '10', '3']);
  assert.match(p.get('fields') ?? '', /^control_number,titles,/);
});
