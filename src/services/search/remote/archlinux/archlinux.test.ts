import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../engine-error.ts';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createArchLinuxEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createArchLinuxEngine(),
  route: (r) => (r.engineUrl.pathname === '/packages/search/json/' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'search.json') } : { status: 404, body: 'Not Found' }),
  query: { text: 'sqlite', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['core/x86_64/sqlite', 'extra/x86_64/sqlitebrowser']);
    assert.equal(hits[0]!.title, 'sqlite 3.50.4-1');
    assert.equal(hits[1]!.title, 'sqlitebrowser 1:3.13.1-2', 'an epoch is part of the version');
    assert.equal(hits[0]!.url, 'https://archlinux.org/packages/core/x86_64/sqlite/');
    assert.equal(hits[0]!.snippet, 'A C library that implements an SQL database engine · core');
  },
});

test('archlinux: an invalid query is bad_request; page from offset', async () => {
  fake().script({ body: '{"version": 2, "limit": 250, "valid": false, "results": []}' });
  await assert.rejects(search(), (e: unknown) => isEngineError(e) && e.kind === 'bad_request');
  await search({ text: 'python', offset: 260, limit: 10 });
  assert.equal(fake().requests.at(-1)!.engineUrl.searchParams.get('page'), '2');
});
