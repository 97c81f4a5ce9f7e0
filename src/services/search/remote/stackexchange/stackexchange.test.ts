import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../engine-error.ts';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createStackExchangeEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createStackExchangeEngine(),
  // The real API gzips every answer, whatever Accept-Encoding says.
  route: (r) => (r.engineUrl.pathname === '/2.3/search/advanced' ? { gzip: true, headers: { 'content-type': 'application/json; charset=utf-8' }, body: fixture(dir, 'search-advanced.json') } : { status: 404, gzip: true, body: '{"error_id":404,"error_name":"no_method","error_message":"no method"}' }),
  query: { text: 'rust lifetime struct', offset: 0, limit: 10 },
  check(hits) {
    assert.equal(hits.length, 2);
    assert.equal(hits[0]!.title, "Why can't I store a value and a reference to that value in the same struct?");
    assert.equal(hits[1]!.title, 'Lifetime of a closure capturing a "String"');
    assert.equal(hits[0]!.id, 'stackoverflow:31000');
    assert.equal(hits[0]!.snippet, 'score 412 · 3 answers (answered) · tags: «rust», «lifetime», borrow-checker');
    assert.equal(hits[0]!.meta?.created, '2015-06-11T05:20:00.000Z');
  },
  errors: [
    [{ status: 400, gzip: true, body: fixture(dir, 'throttle-violation.json') }, 'rate_limited'],
    [{ status: 400, gzip: true, body: '{"error_id":400,"error_name":"bad_parameter","error_message":"site is required"}' }, 'bad_request'],
    [{ status: 503, gzip: true, body: '{"error_id":503,"error_name":"temporarily_unavailable","error_message":"try later"}' }, 'server'],
  ],
});

test('stackexchange: the throttle wait is read from the message; site, page and size are parameters', async () => {
  fake().script({ status: 400, gzip: true, body: fixture(dir, 'throttle-violation.json') });
  await assert.rejects(search(), (e: unknown) => isEngineError(e) && e.retryAfterMs === 82_216_000);
  await search({ text: 'grub', offset: 20, limit: 10, filters: { site: 'superuser' } });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('site'), p.get('page'), p.get('pagesize'), p.get('q'), p.get('sort')], ['superuser', '3', '10', 'grub', 'relevance']);
  // A site that is not a slug is not sent.
  await search({ text: 'x', offset: 0, limit: 5, filters: { site: 'evil.com/x?y' } });
  assert.equal(fake().requests.at(-1)!.engineUrl.searchParams.get('site'), 'stackoverflow');
});

test('stackexchange: a gzip body that is corrupt is malformed, not a crash', async () => {
  fake().script({ status: 200, headers: { 'content-encoding': 'gzip' }, body: 'not gzip at all' });
  await assert.rejects(search(), (e: unknown) => isEngineError(e) && e.kind === 'malformed');
});
