import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createGitLabEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createGitLabEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/v4/projects' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'projects.json') } : { status: 404, body: '{"error":"404 Not Found"}' }),
  query: { text: 'gitlab', offset: 0, limit: 20 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['gitlab-org/gitlab', 'gitlab-org/gitlab-runner']);
    assert.equal(hits[0]!.title, 'GitLab.org / GitLab');
    assert.match(hits[0]!.snippet, /^«GitLab» is an open source .* · ★ 25000 · topics: ci, devops$/);
    assert.equal(hits[1]!.snippet, '★ 2500');
  },
  malformedBody: '{"message":"not a list"}',
});

test('gitlab: search, most starred first, per_page and page; never a token', async () => {
  await search({ text: 'runner', offset: 40, limit: 20 });
  const r = fake().requests.at(-1)!;
  const p = r.engineUrl.searchParams;
  assert.deepEqual([p.get('search'), p.get('order_by'), p.get('per_page'), p.get('page')], ['runner', 'star_count', '20', '3']);
  assert.equal(r.headers['private-token'], undefined);
});
