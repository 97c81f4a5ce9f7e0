import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createCodebergEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createCodebergEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/v1/repos/search' ? { headers: { 'content-type': 'application/json;charset=utf-8' }, body: fixture(dir, 'search.json') } : { status: 404, body: '{"message":"The target couldn\'t be found.","url":"https://codeberg.org/api/swagger"}' }),
  query: { text: 'forge', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['forgejo/forgejo', 'someone/old-forge-tool']);
    assert.equal(hits[0]!.snippet, 'Beyond coding. We «forge». · Go · ★ 2900');
    assert.equal(hits[1]!.snippet, '★ 2 · archived');
  },
  errors: [[{ status: 200, body: '{"ok":false,"data":[]}' }, 'server']],
});

test('codeberg: limit and page', async () => {
  await search({ text: 'git', offset: 20, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('limit'), p.get('page')], ['git', '10', '3']);
});
