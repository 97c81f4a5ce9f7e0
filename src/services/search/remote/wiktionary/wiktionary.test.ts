import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createWiktionaryEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createWiktionaryEngine(),
  route: (r) => (r.engineUrl.pathname === '/w/api.php' ? { headers: { 'content-type': 'application/json; charset=utf-8' }, body: fixture(dir, 'search.json') } : { status: 404, body: 'no route' }),
  query: { text: 'serendipity', offset: 0, limit: 2 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.url), ['https://en.wiktionary.org/wiki/serendipity', 'https://en.wiktionary.org/wiki/serendipitous']);
    assert.equal(hits[1]!.snippet, 'Adjective «serendipitous» (comparative more «serendipitous»)');
  },
  errors: [[{ status: 200, headers: { 'mediawiki-api-error': 'maxlag', 'retry-after': '5' }, body: '{"error":{"code":"maxlag","info":"Waiting for a database server"}}' }, 'server']],
});

test('wiktionary: the query language picks the edition', async () => {
  await search({ text: 'Zufall', offset: 0, limit: 5, lang: 'de' });
  const r = fake().requests.at(-1)!;
  assert.equal(r.engineUrl.hostname, 'de.wiktionary.org');
  assert.equal(r.engineUrl.searchParams.get('srsearch'), 'Zufall');
});
