// The tests every remote engine adapter must pass against its fake: its
// fixture answer becomes hits (the adapter's test says which), every request
// goes to a host the engine declares and is clean on the wire (privacy.ts),
// and each way an engine fails (429 with Retry-After, 403, 5xx, a body that
// is not its format, its own blocked or captcha page) becomes the
// EngineError kind the service suspends on. Each adapter's test file calls
// this and adds its own wire-level checks. The registry test
// (registry.test.ts) requires every tested engine's folder to call it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine, SearchHit, SearchQuery } from '../../types.ts';
import { isEngineError, type EngineErrorKind } from '../engine-error.ts';
import { assertCleanRequest } from '../privacy.ts';
import { startFakeEngine, type FakeEngine, type FakeReply, type FakeRoute } from './fake-engine.ts';

export interface ConformanceSetup {
  engine: Engine;
  /** Answers each request from the adapter's fixtures. */
  route: FakeRoute;
  query: SearchQuery;
  /** Checks the hits the fixture answer gave (titles, urls, snippets, order). */
  check(hits: SearchHit[], fake: FakeEngine): void;
  /** A 200 answer that is really the engine refusing us (captcha, "unusual traffic"), when the engine has one. */
  blockedPage?: FakeReply;
  /** The engine's own error bodies, with the kind each must map to. */
  errors?: Array<[FakeReply, EngineErrorKind]>;
  /** A 200 body that is not the engine's format ('{' for JSON engines). */
  malformedBody?: string;
}

export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p));
}

export function engineConformance(setup: ConformanceSetup): { fake(): FakeEngine; search(query?: SearchQuery): Promise<SearchHit[]> } {
  const name = setup.engine.name;
  let fake: FakeEngine;
  before(async () => (fake = await startFakeEngine(setup.route)));
  after(() => fake.close());
  const search = (query = setup.query): Promise<SearchHit[]> => setup.engine.search(query, { signal: AbortSignal.timeout(10_000), fetch: fake.fetch });

  async function failsAs(reply: FakeReply, kind: EngineErrorKind): Promise<void> {
    // Script as many replies as the adapter may send requests (PubMed sends two).
    fake.script(reply, reply);
    await assert.rejects(search(), (error: unknown) => {
      assert.ok(isEngineError(error), `expected an EngineError, got ${String(error)}`);
      assert.equal(error.kind, kind, `${error.message}`);
      assert.equal(error.engine, name);
      return true;
    });
    fake.reset(); // nothing left over for the next test
  }

  test(`${name}: the fixture answer becomes hits of this engine`, async () => {
    const hits = await search();
    assert.ok(hits.length > 0, 'the fixture has results');
    for (const hit of hits) {
      assert.equal(hit.engine, name);
      assert.ok(hit.id !== '' && hit.title !== '', `every hit has an id and a title: ${JSON.stringify(hit)}`);
      assert.ok(!/<\/?[a-z][^>]*>/i.test(hit.snippet + hit.title), `no HTML in title or snippet: ${hit.title} / ${hit.snippet}`);
      if (hit.url !== undefined) assert.match(hit.url, /^https?:\/\//);
    }
    setup.check(hits, fake);
  });

  test(`${name}: requests go to declared hosts over https and are clean on the wire`, async () => {
    fake.reset();
    await search();
    assert.ok(fake.requests.length > 0);
    for (const r of fake.requests) {
      assert.equal(r.engineUrl.protocol, 'https:');
      assert.ok(hostAllowed(r.engineUrl.hostname, setup.engine.hosts), `${r.engineUrl.hostname} is one of ${setup.engine.hosts.join(', ')}`);
      assert.doesNotThrow(() => assertCleanRequest({ url: r.path, method: r.method, headers: r.headers, body: r.body }));
      assert.equal(r.headers.cookie, undefined);
      assert.equal(r.headers.referer, undefined);
    }
  });

  test(`${name}: 429 with Retry-After is rate_limited; 403 blocked; 5xx server`, async () => {
    fake.script({ status: 429, headers: { 'retry-after': '120' }, body: 'slow down' });
    await assert.rejects(search(), (e: unknown) => isEngineError(e) && e.kind === 'rate_limited' && e.retryAfterMs === 120_000);
    fake.reset();
    await failsAs({ status: 403, body: 'Forbidden' }, 'blocked');
    await failsAs({ status: 503, body: 'Service Unavailable' }, 'server');
    await failsAs({ status: 502, body: '<html>Bad Gateway</html>' }, 'server');
  });

  test(`${name}: a body that is not the engine's format is malformed`, async () => {
    await failsAs({ status: 200, headers: { 'content-type': 'application/json' }, body: setup.malformedBody ?? '{"truncated": ' }, 'malformed');
  });

  if (setup.blockedPage !== undefined) {
    const page = setup.blockedPage;
    test(`${name}: its captcha / blocked page is 'blocked'`, () => failsAs(page, 'blocked'));
  }

  for (const [reply, kind] of setup.errors ?? []) {
    test(`${name}: its error answer (HTTP ${reply.status ?? 200}: ${reply.body.slice(0, 40)}) is ${kind}`, () => failsAs(reply, kind));
  }

  return { fake: () => fake, search };
}
