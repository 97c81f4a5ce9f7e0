// Suspension with backoff, against a real fake engine (Wikipedia's wire
// format on 127.0.0.1) that answers 429, 429, then recovers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EngineHealth } from './engine-health.ts';
import { EngineError, isEngineError } from './engine-error.ts';
import { fixture, startFakeEngine, type FakeEngine } from './testing/fake-engine.ts';
import { createWikipediaEngine } from './wikipedia/index.ts';

let fake: FakeEngine;
const wiki = import.meta.dirname + '/wikipedia';
before(async () => (fake = await startFakeEngine(() => ({ body: fixture(wiki, 'search.json') }))));
after(() => fake.close());

test('health: 429 suspends with doubling backoff, nothing is sent while suspended, recovery clears it', async () => {
  let now = 1_000_000;
  const health = new EngineHealth({ baseMs: 60_000, maxMs: 3_600_000, now: () => now });
  const engine = health.guard(createWikipediaEngine());
  const query = { text: 'Nelson Mandela', offset: 0, limit: 3 };
  const ctx = () => ({ signal: AbortSignal.timeout(5_000), fetch: fake.fetch });
  const kindOf = async (): Promise<string> => engine.search(query, ctx()).then(() => 'ok', (e: unknown) => (isEngineError(e) ? e.kind : String(e)));

  fake.script({ status: 429, body: 'Too Many Requests' }, { status: 429, body: 'Too Many Requests' });
  assert.equal(await kindOf(), 'rate_limited');
  assert.deepEqual(health.report(['wikipedia'])[0], { engine: 'wikipedia', state: 'suspended', failures: 1, suspendedUntil: now + 60_000, lastError: { kind: 'rate_limited', message: 'wikipedia: HTTP 429: too many requests', at: now } });

  const sent = fake.requests.length;
  now += 59_000;
  assert.equal(await kindOf(), 'suspended');
  assert.equal(fake.requests.length, sent, 'a suspended engine is not contacted');

  now += 1_000; // the window is over: one probe goes out, fails again, the window doubles
  assert.equal(await kindOf(), 'rate_limited');
  assert.equal(health.report(['wikipedia'])[0]!.suspendedUntil, now + 120_000);
  now += 119_999;
  assert.equal(await kindOf(), 'suspended');

  now += 1; // the engine recovered
  assert.equal(await kindOf(), 'ok');
  assert.deepEqual(health.report(['wikipedia']), [{ engine: 'wikipedia', state: 'ok', failures: 0 }]);
});

test('health: Retry-After longer than the backoff wins; the cap holds; bad requests do not suspend', async () => {
  let now = 0;
  const health = new EngineHealth({ baseMs: 1_000, maxMs: 10_000, now: () => now });
  const fail = (e: EngineError) => health.run('x', () => Promise.reject(e)).catch(() => undefined);
  await fail(new EngineError('rate_limited', 'x', '429', { retryAfterMs: 5_000 }));
  assert.equal(health.report(['x'])[0]!.suspendedUntil, 5_000);
  for (let i = 0; i < 8; i++) {
    now = health.report(['x'])[0]!.suspendedUntil ?? now;
    await fail(new EngineError('server', 'x', '503'));
  }
  assert.equal(health.report(['x'])[0]!.suspendedUntil! - now, 10_000, 'capped at maxMs');

  const other = new EngineHealth({ now: () => 0 });
  await other.run('y', () => Promise.reject(new EngineError('bad_request', 'y', '400'))).catch(() => undefined);
  await other.run('y', () => Promise.reject(new Error('not an engine error'))).catch(() => undefined);
  assert.deepEqual(other.report(['y']), [{ engine: 'y', state: 'ok', failures: 0 }]);
  assert.equal(await other.run('y', () => Promise.resolve(7)), 7);
});
