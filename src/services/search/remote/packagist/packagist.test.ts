import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createPackagistEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createPackagistEngine(),
  route: (r) => (r.engineUrl.pathname === '/search.json' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'search.json') } : { status: 404, body: '{"status":"error","message":"Not found"}' }),
  query: { text: 'monolog', offset: 0, limit: 15 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['monolog/monolog', 'old/logger']);
    assert.equal(hits[0]!.url, 'https://packagist.org/packages/monolog/monolog');
    assert.equal(hits[1]!.snippet, 'A logger · 1200 downloads · 3 stars · abandoned');
  },
});

test('packagist: per_page and page', async () => {
  await search({ text: 'log', offset: 30, limit: 15 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('per_page'), p.get('page')], ['log', '15', '3']);
});
