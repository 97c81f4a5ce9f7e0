// What reaches the ledger and the budgets through the router API itself
// (whoever calls it, not only the gateway), against the real ledger on disk
// (which refuses what it cannot store) and a fake OpenAI upstream: values
// the ledger cannot store never reach it, token limits budgets cannot count
// are refused, a hostile upstream's usage cannot poison a budget, and a
// route's cap holds whichever name reaches its deployment, also after a
// crash (spend recovery).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../lib/errors.ts';
import { rootLayout } from '../../runtime/paths.ts';
import { ledgerDir, openLedger } from '../ledger/api.ts';
import { createRouter } from './router.ts';
import { Budgets } from './routing/budget.ts';
import { recoverSpend } from './spend-recovery.ts';
import { startFakeOpenAI } from './testing/fake-openai.ts';
import type { FakeProvider } from './testing/fake-server.ts';
import type { Caller, ChatRequest, RouterConfig } from './types.ts';
import { Redactor } from '../vault/api.ts';

let fake: FakeProvider;
before(async () => (fake = await startFakeOpenAI()));
after(() => fake.close());

const config = (): RouterConfig => ({
  deployments: [{ id: 'local', provider: 'vllm', model: 'm-local', baseUrl: `${fake.origin}/v1`, price: { input: 1, output: 1 }, contextWindow: 10_000, capabilities: { tools: true, vision: false, json: true }, tier: 2 }],
  routes: [{ name: 'main', deployments: ['local'], policy: 'ordered', budget: { tokensPerRequest: 500, tokensPerDay: 5_000 } }],
});
const caller: Caller = { agent: 'a1', lineage: [], budget: { tokensPerRequest: 1_000 } };
const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'main', messages: [{ role: 'user', content: 'hi' }], ...extra });
const noVault = { inject: async () => { throw new Error('no credential expected'); }, redaction: new Redactor() };

async function open(t: { after(fn: () => Promise<void>): void }) {
  const root = mkdtempSync(join(tmpdir(), 'octant-router-check-'));
  const store = await openLedger(rootLayout(root));
  const dir = ledgerDir(rootLayout(root));
  t.after(async () => {
    await store.close().catch(() => {}); // some tests close it themselves
    rmSync(root, { recursive: true, force: true });
  });
  const r = createRouter({ config: config(), injector: noVault, ledger: store });
  return { dir, store, r };
}

test('token limits a budget cannot count are refused before anything is recorded or sent; a positive integer is served', async (t) => {
  const { store, r } = await open(t);
  for (const maxTokens of [Number.NaN, Infinity, -5, 0, 2.5, 1e300, '10' as unknown as number]) {
    const entries = store.mark().seq;
    const sent = fake.requests.length;
    await assert.rejects(r.chat(ask({ maxTokens }), caller), (e) => isOctantError(e, 'E_ROUTER_REQUEST') && /max_tokens: expects a positive integer/.test(e.message) && e.detail?.status === 400, String(maxTokens));
    await assert.rejects(async () => { for await (const _ of r.stream(ask({ maxTokens }), caller)); }, (e) => isOctantError(e, 'E_ROUTER_REQUEST'));
    assert.throws(() => r.explain(ask({ maxTokens })), (e) => isOctantError(e, 'E_ROUTER_REQUEST'));
    assert.equal(store.mark().seq, entries, `${maxTokens}: nothing recorded`);
    assert.equal(fake.requests.length, sent, `${maxTokens}: nothing sent`);
  }
  await assert.rejects(r.chat({ ...ask(), model: 'x'.repeat(100_000) }, caller), (e) => isOctantError(e, 'E_ROUTER_REQUEST') && /model: expects at most 256/.test(e.message));
  await assert.rejects(r.embed({ model: 'main', input: [42 as unknown as string] }, caller), (e) => isOctantError(e, 'E_ROUTER_REQUEST') && /input/.test(e.message));
  // Shapes the router reads (the admin API's explain passes its body through): refused, never a TypeError.
  const odd = [
    { ...ask(), tools: [{ name: 'f' }] },
    { ...ask(), messages: [{ role: 'user', content: [{ type: 'text' }] }] },
    { ...ask(), messages: [{ role: 'assistant', content: '', toolCalls: [{ id: 'c' }] }] },
    { ...ask(), messages: [null] },
  ] as unknown as ChatRequest[];
  for (const request of odd) assert.throws(() => r.explain(request), (e) => isOctantError(e, 'E_ROUTER_REQUEST') && e.detail?.status === 400, JSON.stringify(request));
  // Working twin; and no refusal was ever counted: nothing reached the ledger that it would refuse.
  assert.equal((await r.chat(ask({ maxTokens: 10 }), caller)).content, 'echo: hi');
  assert.equal(r.ledgerRefusals().count, 0);
});

test('a request no deployment could ever serve is a 400 naming the field (not a retryable 503), and its deny is recorded', async (t) => {
  const { store, r } = await open(t);
  const entries = store.mark().seq;
  await assert.rejects(r.chat(ask({ maxTokens: 1_000_000_000 }), caller), (e) => isOctantError(e, 'E_ROUTER_REQUEST') && e.detail?.status === 400 && e.detail?.param === 'max_tokens');
  await assert.rejects(r.chat(ask({ messages: [{ role: 'user', content: 'x'.repeat(200_000) }] }), caller), (e) => isOctantError(e, 'E_ROUTER_REQUEST') && e.detail?.param === 'messages');
  assert.equal(store.mark().seq, entries + 2, 'the two denies');
  // A deployment only cooling down is a 503 (worth a retry), not a 400.
  r.cooldown.fail('local', Date.now(), 60_000);
  await assert.rejects(r.chat(ask(), caller), (e) => isOctantError(e, 'E_ROUTER_UNAVAILABLE'));
});

test('usage counts from a hostile upstream never reach a budget or the ledger: the call is charged its reservation', async (t) => {
  const { store, r } = await open(t);
  for (const bad of ['12', -7, 1.5, { n: 1 }]) {
    fake.script({ kind: 'ok', promptTokens: bad as unknown as number });
    const before = r.budgets.used('route main', Date.now()).tokensDay;
    assert.equal((await r.chat(ask({ maxTokens: 50 }), caller)).content, 'echo: hi');
    const after = r.budgets.used('route main', Date.now()).tokensDay;
    assert.equal(typeof after, 'number');
    assert.ok(Number.isSafeInteger(after) && after - before >= 50, `${JSON.stringify(bad)}: charged ${after - before}`);
  }
  await store.close(); // the outcome records are on disk: the real ledger took every one
  assert.equal(r.ledgerRefusals().count, 0);
});

test('a provider error text is recorded well-formed (a cut surrogate pair or a lone one has no UTF-8 form)', async (t) => {
  const { store, r } = await open(t);
  const entries: { action: string; detail: Record<string, unknown> }[] = [];
  const append = store.append.bind(store);
  store.append = (event) => {
    entries.push(event);
    return append(event);
  };
  fake.script({ kind: 'error', status: 400, message: `lone \ud800 here, and a pair cut at the limit: ${'x'.repeat(1_990)}😀😀` });
  await assert.rejects(r.chat(ask({ maxTokens: 50 }), caller), /lone/);
  const error = String(entries.find((e) => e.action === 'complete')!.detail.error);
  assert.ok(error.isWellFormed(), 'the recorded error is well-formed');
  assert.match(error, /lone \ufffd here/);
});

test('a route\'s cap holds when its deployment is named by id or by model, and spend recovery charges the route too', async (t) => {
  const { dir, store, r } = await open(t);
  for (const model of ['main', 'local', 'm-local', 'unknown-name']) {
    await assert.rejects(r.chat(ask({ model, maxTokens: 600 }), caller), (e) => isOctantError(e, 'E_ROUTER_BUDGET') && /route main: budget tokensPerRequest 500/.test(e.message), model);
  }
  await r.chat(ask({ model: 'local', maxTokens: 100 }), caller);
  const spent = r.budgets.used('route main', Date.now()).tokensDay;
  assert.ok(spent > 0, 'the route account was charged for a call naming its deployment');
  await store.close();
  const recovered = new Budgets();
  recoverSpend(recovered, dir, undefined);
  assert.equal(recovered.used('route main', Date.now()).tokensDay, spent);
});
