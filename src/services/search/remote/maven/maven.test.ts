import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createMavenEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createMavenEngine(),
  route: (r) => (r.engineUrl.pathname === '/solrsearch/select' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'select.json') } : { status: 404, body: '' }),
  query: { text: 'guice', offset: 0, limit: 20 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['com.google.inject:guice', 'com.google.inject.extensions:guice-servlet']);
    assert.equal(hits[0]!.url, 'https://central.sonatype.com/artifact/com.google.inject/guice');
    assert.equal(hits[0]!.snippet, 'com.google.inject:«guice» · latest 7.0.0 · 38 versions · jar · updated 2023-05-09');
  },
});

test('maven: rows, start, wt=json', async () => {
  await search({ text: 'jackson', offset: 20, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('rows'), p.get('start'), p.get('wt')], ['jackson', '10', '20', 'json']);
});
