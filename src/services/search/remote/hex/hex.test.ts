import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createHexEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createHexEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/packages' ? { headers: { 'content-type': 'application/json; charset=utf-8' }, body: fixture(dir, 'packages.json') } : { status: 404, body: '{"status":404,"message":"entity not found"}' }),
  query: { text: 'plug', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.title), ['plug 1.18.1', 'plug_cowboy 2.7.4'], 'the latest stable version is shown');
    assert.equal(hits[0]!.url, 'https://hex.pm/packages/plug');
    assert.equal(hits[1]!.snippet, 'A «Plug» adapter for Cowboy · 90000000 downloads');
    assert.equal(hits[0]!.meta?.docs, 'https://hexdocs.pm/plug/');
  },
  malformedBody: '{"status":200}',
});

test('hex: search, sort by recent downloads, page of 100', async () => {
  await search({ text: 'ecto', offset: 150, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('search'), p.get('sort'), p.get('page')], ['ecto', 'recent_downloads', '2']);
});
