import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createNuGetEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createNuGetEngine(),
  route: (r) => (r.engineUrl.pathname === '/query' ? { headers: { 'content-type': 'application/json; charset=utf-8' }, body: fixture(dir, 'query.json') } : { status: 404, body: '' }),
  query: { text: 'semver', offset: 0, limit: 20 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.title), ['NuGet.Versioning 6.14.0', 'semver 3.0.0']);
    assert.equal(hits[0]!.url, 'https://www.nuget.org/packages/NuGet.Versioning');
    assert.equal(hits[0]!.snippet, "NuGet's implementation of Semantic Versioning. · by Microsoft · 400000000 downloads · verified owner");
    assert.equal(hits[1]!.snippet, 'Semantic versioning for .NET · by Max Hauser · 90000000 downloads', 'authors as a plain string, summary preferred');
  },
});

test('nuget: skip, take and SemVer 2.0.0', async () => {
  await search({ text: 'json', offset: 40, limit: 20 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('skip'), p.get('take'), p.get('semVerLevel')], ['json', '40', '20', '2.0.0']);
});
