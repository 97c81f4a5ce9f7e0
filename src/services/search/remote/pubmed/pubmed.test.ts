import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createPubMedEngine } from './index.ts';

const dir = import.meta.dirname;
const json = { 'content-type': 'application/json; charset=UTF-8' };
const { fake, search } = engineConformance({
  engine: createPubMedEngine(),
  route: (r) => {
    if (r.engineUrl.pathname === '/entrez/eutils/esearch.fcgi') return { headers: json, body: fixture(dir, 'esearch.json') };
    if (r.engineUrl.pathname === '/entrez/eutils/esummary.fcgi') return { headers: json, body: fixture(dir, 'esummary.json') };
    return { status: 404, body: 'not found' };
  },
  query: { text: 'breast cancer immunotherapy', offset: 0, limit: 2 },
  check(hits, fake) {
    assert.deepEqual(hits.map((h) => h.id), ['31452104', '29233210']);
    assert.equal(hits[0]!.url, 'https://pubmed.ncbi.nlm.nih.gov/31452104/');
    assert.equal(hits[0]!.snippet, 'Emens LA, Adams S · Nature reviews. Clinical oncology · 2019 Oct');
    assert.equal(hits[0]!.meta?.doi, '10.1038/s41571-019-0252-y');
    assert.equal(hits[1]!.title, 'In vitro models of breast cancer immunotherapy.');
    // ESummary is asked for exactly the PMIDs ESearch returned, in order.
    assert.equal(fake.requests.at(-1)!.engineUrl.searchParams.get('id'), '31452104,29233210');
  },
  errors: [
    [{ status: 429, body: fixture(dir, 'rate-limit.json') }, 'rate_limited'],
    [{ status: 200, headers: json, body: '{"header":{"type":"esearch","version":"0.3"},"esearchresult":{"ERROR":"Invalid query"}}' }, 'bad_request'],
  ],
});

test('pubmed: no hits means no second request; term, retstart, retmax; never tool or email', async () => {
  fake().reset();
  fake().script({ headers: json, body: '{"esearchresult":{"count":"0","retmax":"0","retstart":"0","idlist":[]}}' });
  assert.deepEqual(await search({ text: 'zzqx', offset: 5, limit: 10 }), []);
  assert.equal(fake().requests.length, 1);
  const p = fake().requests[0]!.engineUrl.searchParams;
  assert.deepEqual([p.get('term'), p.get('retstart'), p.get('retmax'), p.get('tool'), p.get('email')], ['zzqx', '5', '10', null, null]);
});
