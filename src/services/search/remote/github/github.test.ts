import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../engine-error.ts';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { readGitHubError } from './errors.ts';
import { createGitHubEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createGitHubEngine(),
  route: (r) => (r.engineUrl.pathname === '/search/repositories' ? { headers: { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '9' }, body: fixture(dir, 'search-repositories.json') } : { status: 404, body: '{"message":"Not Found"}' }),
  query: { text: 'tetris language:assembly', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.title), ['dtrupenn/Tetris', 'octocat/Hello-World']);
    assert.equal(hits[0]!.url, 'https://github.com/dtrupenn/Tetris');
    assert.equal(hits[0]!.snippet, 'A C implementation of «Tetris» using Pennsim through LC4 · «Assembly» · ★ 1');
    assert.equal(hits[1]!.snippet, 'This your first repo! · ★ 80 · archived');
    assert.equal(hits[0]!.meta?.language, 'Assembly');
  },
  errors: [
    [{ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' }, body: fixture(dir, 'rate-limited.json') }, 'rate_limited'],
    [{ status: 422, body: '{"message":"Validation Failed","errors":[{"resource":"Search","field":"q","code":"missing"}]}' }, 'bad_request'],
  ],
});

test('github: the reset time becomes the wait; the Accept is GitHub\'s media type; page and per_page', async () => {
  const e = readGitHubError({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000060' }, body: '{}' }, 1_700_000_000_000);
  assert.ok(isEngineError(e) && e.kind === 'rate_limited' && e.retryAfterMs === 60_000);
  await search({ text: 'octant', offset: 30, limit: 10 });
  const r = fake().requests.at(-1)!;
  assert.equal(r.headers.accept, 'application/vnd.github+json');
  assert.equal(r.headers.authorization, undefined);
  assert.deepEqual([r.engineUrl.searchParams.get('page'), r.engineUrl.searchParams.get('per_page')], ['4', '10']);
});
