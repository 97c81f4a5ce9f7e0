import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createWikidataEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createWikidataEngine(),
  route: (r) => (r.engineUrl.searchParams.get('action') === 'wbsearchentities' ? { headers: { 'content-type': 'application/json; charset=utf-8' }, body: fixture(dir, 'wbsearchentities.json') } : { status: 400, body: 'bad action' }),
  query: { text: 'Douglas Adams', offset: 0, limit: 7 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['Q42', 'Q28421831']);
    assert.equal(hits[0]!.title, 'Douglas Adams (Q42)');
    assert.equal(hits[0]!.url, 'https://www.wikidata.org/wiki/Q42');
    assert.equal(hits[0]!.snippet, 'English writer and humorist (1952–2001) · also: «Douglas» Noël «Adams», «Douglas» Noel «Adams»');
  },
  errors: [[{ status: 200, headers: { 'mediawiki-api-error': 'ratelimited' }, body: '{"error":{"code":"ratelimited","info":"slow down"}}' }, 'rate_limited']],
});

test('wikidata: language, limit and continue carry the query', async () => {
  await search({ text: 'Berlin', offset: 14, limit: 7, lang: 'de' });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('search'), p.get('language'), p.get('limit'), p.get('continue'), p.get('type')], ['Berlin', 'de', '7', '14', 'item']);
});
