import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createRubyGemsEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createRubyGemsEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/v1/search.json' ? { headers: { 'content-type': 'application/json; charset=utf-8' }, body: fixture(dir, 'search.json') } : { status: 404, body: 'This rubygem could not be found.' }),
  query: { text: 'cucumber', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.title), ['cucumber 9.2.1', 'cucumber-rails 3.0.0']);
    assert.equal(hits[0]!.url, 'https://rubygems.org/gems/cucumber');
    assert.equal(hits[0]!.snippet, 'Behaviour Driven Development with elegance and joy · by Aslak Hellesøy, Matt Wynne, Steve Tooke · 45000000 downloads');
    assert.equal(hits[0]!.meta?.source, 'https://github.com/cucumber/cucumber-ruby');
  },
  malformedBody: '{"error": "not a list"}',
});

test('rubygems: pages of 30', async () => {
  await search({ text: 'rails', offset: 60, limit: 10 });
  assert.equal(fake().requests.at(-1)!.engineUrl.searchParams.get('page'), '3');
});
