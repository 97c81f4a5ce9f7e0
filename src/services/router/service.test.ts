// The router service against the real ledger on disk: spend survives a
// crash (its ledger entries are replayed from the mark saved with the
// budgets, or from the first entry), and a configuration reload the ledger
// refuses is not put in force (log first, act second).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../runtime/log.ts';
import { adminSocketPath, rootLayout, type Paths } from '../../runtime/paths.ts';
import { EXIT } from '../../lib/errors.ts';
import { startAdminServer } from '../../runtime/admin/server.ts';
import { callServed } from '../../../test/support/served-routes.ts';
import { ledgerDir, openLedger } from '../ledger/api.ts';
import { routerService } from './index.ts';
import { saveConfig } from './config.ts';
import { createRouter, type RouterEngine } from './router.ts';
import { Budgets } from './routing/budget.ts';
import { recoverSpend } from './spend-recovery.ts';
import { startFakeOpenAI } from './testing/fake-openai.ts';
import { openVault, Redactor, type Vault } from '../vault/api.ts';
import type { LedgerApi } from '../ledger/api.ts';
import type { FakeProvider } from './testing/fake-server.ts';
import type { Caller, ChatRequest, RouterConfig } from './types.ts';

let fake: FakeProvider;
before(async () => (fake = await startFakeOpenAI()));
after(() => fake.close());

// Keyless (no vault), priced so that every call's cost shows.
const config = (): RouterConfig => ({
  deployments: [{ id: 'local', provider: 'vllm', model: 'm', baseUrl: `${fake.origin}/v1`, price: { input: 1000, output: 2000 }, contextWindow: 100_000, capabilities: { tools: true, vision: false, json: true }, tier: 2 }],
  routes: [{ name: 'main', deployments: ['local'], policy: 'ordered', budget: { usdPerDay: 1000 } }],
});
const ask: ChatRequest = { model: 'main', messages: [{ role: 'user', content: 'count me' }], maxTokens: 50 };
const caller: Caller = { agent: 'a1', lineage: [], budget: { usdPerDay: 1000 } };
/** A vault never initialized: keyless deployments need none of its keys, and a call for one would fail closed. */
const keylessVault = (paths: Paths, ledger: LedgerApi): Vault => openVault(paths, ledger);

const noVault = { inject: async () => { throw new Error('no credential expected'); }, redaction: new Redactor() };

function spent(budgets: Budgets, key: string): { usd: number; tokens: number } {
  const a = budgets.used(key, Date.now());
  return { usd: Math.round(a.usdDay * 1e9) / 1e9, tokens: a.tokensDay };
}

test('after a crash the spend since the last save is counted again from the ledger; without a save, from the first entry', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'octant-spend-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const store = await openLedger(rootLayout(root));
  const dir = ledgerDir(rootLayout(root));
  const r = createRouter({ config: config(), injector: noVault, ledger: store });
  await r.chat(ask, caller);
  const saved = { budgets: r.budgets.snapshot(), mark: store.mark() };
  await r.chat(ask, caller); // after the save: only the ledger knows
  await r.chat(ask, { ...caller, agent: 'a2' });
  await store.close(); // the outcome records reach the disk
  const before = { a1: spent(r.budgets, 'agent a1'), a2: spent(r.budgets, 'agent a2'), route: spent(r.budgets, 'route main') };
  assert.ok(before.a1.usd > 0 && before.a1.tokens > 0);

  const fromMark = new Budgets();
  assert.deepEqual(recoverSpend(fromMark, dir, saved), { from: 'mark', entries: 4 });
  assert.deepEqual({ a1: spent(fromMark, 'agent a1'), a2: spent(fromMark, 'agent a2'), route: spent(fromMark, 'route main') }, before);

  const fromStart = new Budgets();
  assert.deepEqual(recoverSpend(fromStart, dir, undefined), { from: 'start', entries: 6 });
  assert.deepEqual({ a1: spent(fromStart, 'agent a1'), a2: spent(fromStart, 'agent a2'), route: spent(fromStart, 'route main') }, before);

  // A mark from another ledger (or a rewritten one): the whole ledger again.
  const foreign = new Budgets();
  assert.equal(recoverSpend(foreign, dir, { ...saved, mark: { seq: 0, offset: saved.mark.offset } }).from, 'start');
  assert.deepEqual(spent(foreign, 'agent a1'), before.a1);
});

test('a call whose outcome record was lost keeps its worst-case reservation (never an undercount)', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'octant-spend-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const store = await openLedger(rootLayout(root));
  const dir = ledgerDir(rootLayout(root));
  // A decision as the router records it, its call made, and then the crash.
  await store.append({ agent: 'a1', lineage: [], kind: 'router', action: 'route', target: 'default', decision: 'allow', detail: { reservedTokens: 150, reservedUsd: 0.25, route: 'default' } });
  await store.close();
  const budgets = new Budgets();
  recoverSpend(budgets, dir, undefined);
  assert.deepEqual(spent(budgets, 'agent a1'), { usd: 0.25, tokens: 150 });
});

test('the router service: state saved with a mark at stop; started on a state older than the ledger (a crash), it counts what came after', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'octant-spend-svc-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const paths = rootLayout(root);
  await saveConfig(paths, config());
  const statePath = join(paths.state, 'router', 'state.json');
  const run = async (calls: number): Promise<{ usd: number; tokens: number }> => {
    const ledger = await openLedger(paths);
    const service = await routerService.start({ paths, config: {}, log: silentLogger, deps: { ledger, vault: keylessVault(paths, ledger) }, signal: new AbortController().signal });
    for (let i = 0; i < calls; i++) await service.api.chat(ask, caller);
    const used = spent((service.api as unknown as RouterEngine).budgets, 'agent a1');
    await service.stop();
    await ledger.close();
    return used;
  };
  const first = await run(1);
  const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { mark?: { seq: number; offset: number } };
  assert.ok(saved.mark !== undefined && saved.mark.seq >= 2, 'state.json holds the ledger mark');
  copyFileSync(statePath, `${statePath}.after-first`);
  const second = await run(2);
  assert.ok(second.usd > first.usd);
  // The crash: the state file from before the second run, the ledger after it.
  copyFileSync(`${statePath}.after-first`, statePath);
  const third = await run(0);
  assert.deepEqual(third, second);
  // An unreadable state file: reported, and the spend rebuilt from the whole ledger.
  writeFileSync(statePath, '{ torn');
  assert.deepEqual(await run(0), second);
});

test('the router service owns its outbound connections: stop closes every pooled socket, idle or busy', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'octant-pool-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const paths = rootLayout(root);
  await saveConfig(paths, config());
  const ledger = await openLedger(paths);
  const service = await routerService.start({ paths, config: {}, log: silentLogger, deps: { ledger, vault: keylessVault(paths, ledger) }, signal: new AbortController().signal });
  const until = async (n: number): Promise<void> => {
    while ((await fake.connections()) !== n) await new Promise((r) => setTimeout(r, 5));
  };
  let hanging: Promise<unknown> | undefined;
  try {
    // Three calls at once: three keep-alive connections, idle in the pool afterwards.
    await Promise.all([1, 2, 3].map(() => service.api.chat(ask, caller)));
    await until(3);
    // A fourth call the provider never answers keeps a connection busy.
    fake.script({ kind: 'hang' });
    hanging = service.api.chat(ask, caller).catch((e: unknown) => e);
    while (fake.requests.length < 4) await new Promise((r) => setTimeout(r, 5));
  } finally {
    await service.stop();
  }
  // The call in flight failed, and every socket is closed by the stop (the
  // pool's own test in lib/outbound proves close() ends idle ones too).
  assert.ok((await hanging) instanceof Error);
  await until(0);
  await ledger.close();
});

test('the router service: a configuration reload the ledger refuses is not put in force; explain refuses a malformed request', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'octant-reload-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const paths = rootLayout(root);
  await saveConfig(paths, config());
  const opened = await openLedger(paths);
  // The ledger refuses the reload's record (log first: then no act).
  const ledger = { ...opened, append: (event: Parameters<typeof opened.append>[0]) => (event.action === 'config.reload' ? Promise.reject(new Error('ledger refused')) : opened.append(event)) };
  const service = await routerService.start({ paths, config: {}, log: silentLogger, deps: { ledger, vault: keylessVault(paths, ledger) }, signal: new AbortController().signal });
  try {
    // Through the admin API, as the CLI calls them: the bodies are checked by the routes' declarations.
    const admin = await startAdminServer({ socketPath: adminSocketPath(paths), routes: [], serviceRoutes: () => new Map([['router', service.routes ?? []]]) });
    t.after(() => admin.close());
    const call = (path: string, body: unknown) => callServed(paths, 'POST', `/v1/router${path}`, body);
    await saveConfig(paths, { deployments: [], routes: [] });
    await assert.rejects(call('/reload', {}), /ledger refused/);
    assert.deepEqual((service.api as unknown as RouterEngine).currentConfig().deployments.map((d) => d.id), ['local'], 'still the old configuration');
    await assert.rejects(call('/explain', { messages: [] }), (e: Error & { code?: string; exit?: number }) => e.code === 'E_ROUTER_REQUEST' && e.exit === EXIT.usage && /^model: /.test(e.message));
    await assert.rejects(call('/explain', { model: 'main', messages: 'hi' }), (e: Error & { code?: string }) => e.code === 'E_ROUTER_REQUEST' && /^messages: /.test(e.message));
    const decided = await call('/explain', { model: 'main', messages: [{ role: 'user', content: 'hi' }] }) as { winner?: string };
    assert.equal(decided.winner, 'local');
  } finally {
    await service.stop();
    await opened.close();
  }
});
