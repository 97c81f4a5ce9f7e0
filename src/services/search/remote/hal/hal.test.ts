import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createHalEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createHalEngine(),
  route: (r) => (r.engineUrl.pathname === '/search/' ? { headers: { 'content-type': 'application/json; charset=UTF-8' }, body: fixture(dir, 'search.json') } : { status: 404, body: 'Not Found' }),
  query: { text: "recherche d'information", offset: 0, limit: 30 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['2345678', '1111111']);
    assert.equal(hits[0]!.url, 'https://hal.science/hal-02345678');
    assert.equal(hits[0]!.snippet, "Marie Curie, Pierre Dupont · Revue d'IA · ART · 2020 — Nous étudions la «recherche» d'«information» neuronale.");
    assert.equal(hits[1]!.snippet, 'LECTURE');
  },
  errors: [[{ status: 400, body: '{"error":{"metadata":["error-class","org.apache.solr.common.SolrException"],"msg":"undefined field foo_s","code":400}}' }, 'bad_request']],
});

test('hal: rows, start, JSON and a field list', async () => {
  await search({ text: 'climat', offset: 30, limit: 30 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('wt'), p.get('rows'), p.get('start')], ['climat', 'json', '30', '30']);
  assert.match(p.get('fl') ?? '', /^docid,title_s,/);
});
