import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createCratesEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createCratesEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/v1/crates' ? { headers: { 'content-type': 'application/json; charset=utf-8' }, body: fixture(dir, 'crates.json') } : { status: 404, body: '{"errors":[{"detail":"Not Found"}]}' }),
  query: { text: 'serde', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.title), ['serde 1.0.228', 'serde_json 1.0.145']);
    assert.equal(hits[0]!.url, 'https://crates.io/crates/serde');
    assert.equal(hits[0]!.snippet, 'A generic serialization/deserialization framework · 600000000 downloads');
    assert.equal(hits[1]!.meta?.repository, 'https://github.com/serde-rs/json');
  },
  errors: [[{ status: 403, body: '{"errors":[{"detail":"We require that all requests include a `User-Agent` header."}]}' }, 'blocked']],
});

test('crates: page and per_page from offset and limit', async () => {
  await search({ text: 'tokio', offset: 20, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('page'), p.get('per_page')], ['tokio', '3', '10']);
});
