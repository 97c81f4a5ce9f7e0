import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createNpmEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createNpmEngine(),
  route: (r) => (r.engineUrl.pathname === '/-/v1/search' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'search.json') } : { status: 404, body: '{"error":"Not found"}' }),
  query: { text: 'yaml parser', offset: 0, limit: 20 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['yaml', 'js-yaml']);
    assert.equal(hits[0]!.title, 'yaml 2.9.1');
    assert.equal(hits[0]!.url, 'https://www.npmjs.com/package/yaml');
    assert.equal(hits[0]!.snippet, 'JavaScript «parser» and stringifier for «YAML» · keywords: «YAML», «parser», stringifier');
    assert.equal(hits[1]!.meta?.repository, 'https://github.com/nodeca/js-yaml');
  },
  errors: [[{ status: 400, body: '{"error":"text is required"}' }, 'bad_request']],
});

test('npm: text, size and from are the query, limit and offset', async () => {
  await search({ text: 'left pad', offset: 40, limit: 20 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('text'), p.get('size'), p.get('from')], ['left pad', '20', '40']);
});
