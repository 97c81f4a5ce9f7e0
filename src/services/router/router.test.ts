import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootLayout } from '../../runtime/paths.ts';
import { isCanonicalOrder, openLedger } from '../ledger/api.ts';
import { memoryLedger } from '../ledger/testing/memory-ledger.ts';
import { initVault } from '../vault/api.ts';
import { vaultInjector } from './index.ts';
import { collect } from './accumulate.ts';
import { createRouter, type RouterOptions } from './router.ts';
import { startFakeAnthropic } from './testing/fake-anthropic.ts';
import { startFakeOpenAI } from './testing/fake-openai.ts';
import type { FakeProvider } from './testing/fake-server.ts';
import { testInjector } from './testing/test-injector.ts';
import type { Caller, ChatRequest, Deployment, RouterConfig, StreamEvent } from './types.ts';

let a: FakeProvider;
let b: FakeProvider;
before(async () => {
  a = await startFakeOpenAI();
  b = await startFakeAnthropic();
});
after(async () => {
  await a.close();
  await b.close();
});

const caps = { tools: true, vision: true, json: true };
function deployments(): Deployment[] {
  return [
    { id: 'oa-1', provider: 'openai', model: 'gpt-small', baseUrl: `${a.origin}/v1`, credential: 'oa-key', price: { input: 1, output: 2 }, contextWindow: 100_000, capabilities: caps, tier: 1, timeoutMs: 2_000 },
    { id: 'an-1', provider: 'anthropic', model: 'claude-big', baseUrl: b.origin, credential: 'an-key', price: { input: 3, output: 15 }, contextWindow: 200_000, capabilities: caps, tier: 3, timeoutMs: 2_000 },
  ];
}
const keys = { 'oa-key': 'sk-oa', 'an-key': 'sk-an' };
const caller: Caller = { agent: 'agent-1', lineage: ['root-1'] };
const hello: ChatRequest = { model: 'main', messages: [{ role: 'user', content: 'hello' }], maxTokens: 100 };

function router(extra: Partial<RouterOptions> = {}, config?: RouterConfig) {
  const ledger = memoryLedger();
  const sleeps: number[] = [];
  const r = createRouter({
    config: config ?? { deployments: deployments(), routes: [{ name: 'main', deployments: ['oa-1', 'an-1'], policy: 'ordered' }] },
    injector: testInjector(keys),
    ledger,
    sleep: async (ms) => void sleeps.push(ms),
    ...extra,
  });
  return { r, ledger, sleeps };
}

test('a 429 fails over to the next provider; Retry-After cools the first; the ledger records decision and outcome', async () => {
  const { r, ledger } = router();
  a.script({ kind: 'error', status: 429, retryAfter: '30' });
  const res = await r.chat(hello, caller);
  assert.equal(res.content, 'echo: hello');
  assert.equal(b.requests.at(-1)!.headers['x-api-key'], 'sk-an');
  const [decision, outcome] = ledger.entries;
  assert.equal(decision.action, 'route');
  assert.equal(decision.decision, 'allow');
  assert.deepEqual(decision.detail.order, ['oa-1', 'an-1']);
  assert.equal(decision.detail.winner, 'oa-1');
  assert.deepEqual(decision.lineage, ['root-1']);
  assert.equal(outcome.action, 'complete');
  assert.equal(outcome.target, 'an-1');
  assert.deepEqual((outcome.detail.attempts as { kind?: string }[]).map((x) => x.kind), ['rate_limited', undefined]);
  assert.ok(!JSON.stringify(ledger.entries).includes('sk-'), 'no key in the ledger');
  // oa-1 is cooling: the next decision excludes it, naming why.
  const next = r.explain(hello);
  assert.deepEqual(next.order, ['an-1']);
  assert.match(next.candidates[0].reason, /cooling down/);
});

test('503 fails over; 500 is retried on the same deployment with backoff first', async () => {
  const { r, sleeps } = router();
  a.script({ kind: 'error', status: 503 });
  const before503 = b.requests.length;
  await r.chat(hello, caller);
  assert.equal(b.requests.length, before503 + 1);
  const { r: r2, sleeps: s2 } = router();
  const count = a.requests.length;
  a.script({ kind: 'error', status: 500 });
  const res = await r2.chat(hello, caller);
  assert.equal(res.content, 'echo: hello');
  assert.equal(a.requests.length, count + 2, 'retried on oa-1');
  assert.equal(s2.length, 1);
  assert.ok(s2[0] >= 50 && s2[0] <= 100);
  assert.equal(sleeps.length, 0);
});

test('a bad request stops at once; auth errors fail over to the next key', async () => {
  const { r } = router();
  a.script({ kind: 'error', status: 400, message: 'bad field' });
  await assert.rejects(r.chat(hello, caller), { code: 'E_ROUTER_BAD_REQUEST' });
  a.script({ kind: 'error', status: 401 });
  assert.equal((await r.chat(hello, caller)).model, 'claude-big');
});

test('when every deployment is rate limited with a short Retry-After, the router waits it out once', async () => {
  const { r, sleeps } = router();
  a.script({ kind: 'error', status: 429, retryAfter: '1' });
  b.script({ kind: 'error', status: 429, retryAfter: '2' });
  const res = await r.chat(hello, caller);
  assert.equal(res.content, 'echo: hello');
  assert.deepEqual(sleeps, [1000]);
  a.script({ kind: 'error', status: 429, retryAfter: '60' });
  b.script({ kind: 'error', status: 429, retryAfter: '60' });
  const { r: r2 } = router();
  await assert.rejects(r2.chat(hello, caller), (e: Error & { code: string }) => e.code === 'E_ROUTER_EXHAUSTED' && /oa-1: rate_limited \(429\); an-1: rate_limited \(429\)/.test(e.message));
});

test('cooldown after N failures in the window, then back after it expires', async () => {
  let t = 1_000_000;
  const { r } = router({ now: () => t, cooldown: { failures: 2, windowMs: 10_000, cooldownMs: 5_000 }, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxWaitMs: 0 } });
  a.script({ kind: 'error', status: 500 });
  await r.chat(hello, caller);
  assert.deepEqual(r.explain(hello).order, ['oa-1', 'an-1'], 'one failure is not enough');
  a.script({ kind: 'error', status: 500 });
  await r.chat(hello, caller);
  assert.deepEqual(r.explain(hello).order, ['an-1']);
  t += 5_001;
  assert.deepEqual(r.explain(hello).order, ['oa-1', 'an-1']);
});

test('rate-limit headers and local rpm keep a deployment out of rotation', async () => {
  const deps = deployments();
  deps[1].rpm = 1;
  const { r } = router({}, { deployments: deps, routes: [{ name: 'main', deployments: ['oa-1', 'an-1'], policy: 'ordered' }] });
  a.script({ kind: 'ok', headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20s' } });
  await r.chat(hello, caller);
  const d = r.explain(hello);
  assert.match(d.candidates[0].reason, /0 requests remaining/);
  await r.chat(hello, caller);
  assert.match(r.explain(hello).candidates[1].reason, /local rpm 1/);
  await assert.rejects(r.chat(hello, caller), { code: 'E_ROUTER_UNAVAILABLE' });
});

test('budgets: reserve the worst case before the call, settle after, refuse clearly', async () => {
  const { r, ledger } = router();
  const capped: Caller = { ...caller, budget: { usdPerDay: 0.0005 } };
  // Worst case: 100 completion tokens at an-1's $15/M = $0.0015 > $0.0005.
  await assert.rejects(r.chat(hello, capped), (e: Error & { code: string }) => e.code === 'E_ROUTER_BUDGET' && /usdPerDay/.test(e.message));
  assert.equal(ledger.entries.at(-1)!.decision, 'deny');
  const roomy: Caller = { ...caller, agent: 'agent-2', budget: { usdPerDay: 0.01, tokensTotal: 300 } };
  await r.chat(hello, roomy);
  const used = r.budgets.used('agent agent-2', Date.now());
  // Settled to the fake's usage (12 prompt + 5 completion at oa-1 prices), not the reservation.
  assert.equal(used.tokensTotal, 17);
  assert.ok(Math.abs(used.usdDay - (12 * 1 + 5 * 2) / 1e6) < 1e-12);
  // Positive twin of the per-request cap.
  await r.chat({ ...hello, maxTokens: 10 }, { ...caller, agent: 'agent-3', budget: { tokensPerRequest: 50 } });
  await assert.rejects(r.chat({ ...hello, maxTokens: 1000 }, { ...caller, agent: 'agent-3', budget: { tokensPerRequest: 50 } }), { code: 'E_ROUTER_BUDGET' });
});

test('concurrent requests cannot overspend a budget together', async () => {
  const { r } = router();
  const tight: Caller = { ...caller, agent: 'agent-c', budget: { tokensTotal: 250 } };
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => r.chat(hello, tight)));
  // Each reserves ~102 tokens worst case: only two fit at once.
  assert.equal(results.filter((x) => x.status === 'fulfilled').length, 2);
});

test('route budgets apply to every agent', async () => {
  const cfg: RouterConfig = { deployments: deployments(), routes: [{ name: 'main', deployments: ['oa-1'], policy: 'ordered', budget: { tokensPerRequest: 20 } }] };
  const { r } = router({}, cfg);
  await assert.rejects(r.chat(hello, caller), /route main: budget tokensPerRequest 20/);
});

test('no action when the ledger cannot record the decision', async () => {
  const { r, ledger } = router();
  const count = a.requests.length;
  ledger.failNext();
  await assert.rejects(r.chat(hello, caller), /ledger unavailable/);
  assert.equal(a.requests.length, count);
});

test('the call waits for its decision record to be durable, the reply does not wait for the outcome record', async () => {
  // A ledger whose appends resolve only when the test says so (a disk flush).
  const ledger = memoryLedger();
  const flushes: (() => void)[] = [];
  const append = ledger.append;
  ledger.append = (event) => new Promise((resolve, reject) => flushes.push(() => append(event).then(resolve, reject)));
  const r = createRouter({ config: { deployments: deployments(), routes: [{ name: 'main', deployments: ['oa-1'], policy: 'ordered' }] }, injector: testInjector(keys), ledger });
  const count = a.requests.length;
  const reply = r.chat(hello, caller);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(a.requests.length, count, 'no provider call before the decision is durable');
  assert.equal(flushes.length, 1);
  flushes[0]();
  const response = await reply;
  assert.match(response.content, /hello/);
  assert.equal(flushes.length, 2, 'the outcome record was queued before the reply');
  assert.equal(ledger.entries.length, 1, 'and the reply came before its flush');
  flushes[1]();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(ledger.entries.map((e) => e.action), ['route', 'complete']);
});

test('a refused ledger record fails only its own request (counted for octant status); the same agent is served next', async () => {
  const { r, ledger } = router();
  const append = ledger.append;
  let refuse: 'route' | 'complete' | undefined;
  ledger.append = async (event) => {
    if (event.action === refuse) throw new Error('ledger write failed');
    return append(event);
  };
  const refusedLedger = (error: Error & { code?: string }) => error.code === 'E_ROUTER_LEDGER' && /ledger write failed/.test(error.message);
  refuse = 'complete';
  await assert.rejects(r.chat(hello, caller), refusedLedger, 'no answer whose outcome the ledger refused');
  await assert.rejects(collect(r.stream(hello, caller)), refusedLedger, 'the stream ends in an error instead of its last event');
  assert.equal(r.ledgerRefusals().count, 2);
  refuse = 'route';
  const count = a.requests.length;
  await assert.rejects(r.chat(hello, caller), refusedLedger);
  assert.equal(a.requests.length, count, 'no call without its decision record');
  assert.equal(r.ledgerRefusals().count, 3);
  assert.match(r.ledgerRefusals().last!.error, /ledger write failed/);
  // Working twin: the same agent, the ledger taking records again.
  refuse = undefined;
  assert.match((await r.chat(hello, caller)).content, /hello/);
  assert.match((await collect(r.stream(hello, caller))).content, /hello/);
});

test('a long provider error is bounded in the outcome record', async () => {
  const { r, ledger } = router({}, { deployments: deployments(), routes: [{ name: 'main', deployments: ['oa-1'], policy: 'ordered' }] });
  a.script({ kind: 'error', status: 400, message: 'x'.repeat(10_000) });
  await assert.rejects(r.chat(hello, caller));
  const error = String(ledger.entries.at(-1)!.detail.error);
  assert.ok(error.length <= 2001, `error kept at ${error.length} chars`);
});

test('streams fail over before the first token; after it the error reaches the caller', async () => {
  const { r, ledger } = router();
  a.script({ kind: 'error', status: 503 });
  const res = await collect(r.stream(hello, caller));
  assert.equal(res.content, 'echo: hello');
  assert.equal(res.model, 'claude-big');
  a.script({ kind: 'truncate', text: 'partial answer here' });
  const seen: StreamEvent[] = [];
  await assert.rejects(async () => {
    for await (const e of r.stream(hello, caller)) seen.push(e);
  }, (e: Error & { retryable?: boolean }) => e.retryable === true);
  assert.equal(seen[0].type, 'text');
  assert.equal(ledger.entries.at(-1)!.decision, 'ok', 'billed for what arrived');
  assert.match(String(ledger.entries.at(-1)!.detail.error), /ECONNRESET|ended|aborted/);
});

test('auto policy: simple tasks go to the cheap model, complex ones to the capable one; capability filters', () => {
  const { r } = router({}, { deployments: deployments(), routes: [] });
  assert.equal(r.explain({ model: '', messages: [{ role: 'user', content: 'hi, translate "cat" to French' }] }).winner, 'oa-1');
  const hard = r.explain({ model: 'auto', messages: [{ role: 'user', content: 'Prove this theorem step by step, analyze the algorithm complexity and compare the trade-offs of each design.' }] });
  assert.equal(hard.complexity, 'complex');
  assert.equal(hard.winner, 'an-1');
  const deps = deployments();
  deps[0].capabilities = { tools: false, vision: false, json: true };
  const { r: r2 } = router({}, { deployments: deps, routes: [] });
  const withTools = r2.explain({ model: '', messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 't', parameters: {} }] });
  assert.deepEqual(withTools.order, ['an-1']);
  assert.equal(withTools.candidates[0].reason, 'no tool calling');
});

test('model names resolve to routes, deployment ids and provider models', async () => {
  const { r } = router();
  assert.equal((await r.chat({ ...hello, model: 'an-1' }, caller)).model, 'claude-big');
  assert.equal((await r.chat({ ...hello, model: 'gpt-small' }, caller)).model, 'gpt-small');
  assert.deepEqual(r.models().map((m) => m.id), ['auto', 'main', 'oa-1', 'an-1']);
});

test('with the real ledger and vault, the decision and the vault access go to disk in one group commit before the call', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-router-commit-'));
  try {
    const paths = rootLayout(dir);
    const store = await openLedger(paths);
    const passphrase = (): Buffer => Buffer.from('router commit test');
    const { vault } = await initVault(paths, store, { passphrase: passphrase(), kdf: { passes: 1, memoryKiB: 1024, parallelism: 1 } });
    await vault.unseal({ passphrase: passphrase() });
    await vault.put('oa-key', Buffer.from('sk-oa-real'), { kind: 'header', name: 'authorization', format: 'Bearer {secret}', hosts: [new URL(a.origin).host] });
    await vault.grant('oa-key', 'agent:agent-1');
    const vaultToken = await vault.issueToken('agent-1', ['oa-key'], { ttlSeconds: 60 });
    // How many entries were durable when each resolved: entries made durable
    // by one group commit resolve together, all seeing the same count.
    const durableIn = new Map<string, number>();
    const append = store.append;
    store.append = (event) => append(event).then((entry) => (durableIn.set(event.action, store.size()), entry));
    const r = createRouter({ config: { deployments: deployments(), routes: [{ name: 'main', deployments: ['oa-1'], policy: 'ordered' }] }, injector: vaultInjector(vault), ledger: store });
    const calls = a.requests.length;
    await r.chat(hello, { ...caller, vaultToken });
    assert.equal(a.requests.length, calls + 1);
    assert.equal(a.requests.at(-1)!.headers.authorization, 'Bearer sk-oa-real');
    assert.ok(durableIn.has('route') && durableIn.has('secret.inject'), [...durableIn.keys()].join(', '));
    assert.equal(durableIn.get('route'), durableIn.get('secret.inject'), 'one flush for both');
    await vault.seal();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every detail the router records is in canonical member order (the ledger writes it with one JSON.stringify)', async () => {
  // A deployment nobody listens for fails with a network error, without
  // scripting the shared fakes.
  const dead: Deployment = { ...deployments()[0], id: 'dead', baseUrl: 'http://127.0.0.1:1/v1' };
  const { r, ledger } = router({}, { deployments: [dead, ...deployments()], routes: [{ name: 'main', deployments: ['dead', 'oa-1'], policy: 'ordered' }] });
  await assert.rejects(r.chat({ ...hello, model: 'dead' }, caller)); // error outcome
  await r.chat(hello, caller); // failover: an attempt that failed, then ok (dead cools after it)
  await collect(r.stream(hello, caller)); // streamed
  await assert.rejects(r.chat({ ...hello, messages: [{ role: 'user', content: 'x'.repeat(1_000_000) }] }, caller), /no deployment can serve/); // deny: over every context window
  await new Promise((resolve) => setImmediate(resolve));
  const actions = new Set(ledger.entries.map((e) => `${e.action}/${e.decision}`));
  for (const expected of ['route/allow', 'route/deny', 'complete/ok', 'complete/error']) assert.ok(actions.has(expected), `${expected} in ${[...actions].join(', ')}`);
  assert.ok(ledger.entries.some((e) => Array.isArray(e.detail.attempts) && e.detail.attempts.length > 1), 'a failed attempt was recorded');
  for (const entry of ledger.entries) assert.ok(isCanonicalOrder(entry.detail), `${entry.action}/${entry.decision}: ${JSON.stringify(entry.detail)}`);
});

test('reconfigure puts new deployments and routes in force and keeps what the router learned', async () => {
  const { r } = router({}, { deployments: deployments(), routes: [{ name: 'main', deployments: ['oa-1'], policy: 'ordered' }] });
  a.script({ kind: 'error', status: 429, retryAfter: '30' });
  await assert.rejects(r.chat(hello, caller));
  assert.ok(r.cooldown.remaining('oa-1', Date.now()) > 0, 'oa-1 cools after its 429');
  r.reconfigure({ deployments: deployments(), routes: [{ name: 'main', deployments: ['oa-1', 'an-1'], policy: 'ordered' }, { name: 'big', deployments: ['an-1'], policy: 'ordered' }] });
  assert.deepEqual(r.currentConfig().routes.map((x) => x.name), ['main', 'big']);
  assert.equal((await r.chat({ ...hello, model: 'big' }, caller)).model, 'claude-big');
  // The cooldown carried over: main skips oa-1 and answers from an-1.
  assert.equal((await r.chat(hello, caller)).model, 'claude-big');
  r.reconfigure({ deployments: deployments().filter((d) => d.id === 'oa-1'), routes: [] });
  await assert.rejects(r.chat({ ...hello, model: 'big' }, caller), /E_ROUTER|no deployment|cannot serve/);
});

test('a sealed agent gets no call (its decision cannot be recorded); other agents are not affected', async () => {
  const { r, ledger } = router();
  await ledger.seal('agent-9');
  const count = a.requests.length;
  await assert.rejects(r.chat(hello, { agent: 'agent-9', lineage: [] }), /sealed/);
  await assert.rejects(collect(r.stream(hello, { agent: 'agent-9', lineage: [] })), /sealed/);
  assert.equal(a.requests.length, count, 'no provider call');
  assert.match((await r.chat(hello, caller)).content, /hello/);
});
