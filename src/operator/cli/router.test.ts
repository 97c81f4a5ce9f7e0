// `octant router test` and `octant router serve` through a running system:
// the real router service (ledger first, vault injection as agent 'operator')
// behind the real admin socket, a fake OpenAI provider on 127.0.0.1, and a
// real HTTP client on the operator gateway's TCP port.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../lib/errors.ts';
import { memoryIo } from '../../lib/memory-io.ts';
import { silentLogger } from '../../runtime/log.ts';
import { rootLayout, type Paths } from '../../runtime/paths.ts';
import { ledgerDir, openLedger, readLedger } from '../../services/ledger/api.ts';
import { createRouter, routerService, saveConfig } from '../../services/router/api.ts';
import { startFakeOpenAI } from '../../services/router/testing/fake-openai.ts';
import type { FakeProvider } from '../../services/router/testing/fake-server.ts';
import { memoryLedger, type MemoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import { initVault, Redactor, type Vault } from '../../services/vault/api.ts';
import { serviceTable } from '../service-table.ts';
import { startSystem, type RunningSystem } from '../system.ts';
import { fixedService } from '../../../test/support/fixed-service.ts';
import { command, serveThroughSystem } from './router.ts';
import { runCommand } from './dispatch.ts';

const SECRET = 'sk-upstream-secret-1';
const GATEWAY_TOKEN = 'gw-operator-token-0123456789';
let root: string;
let paths: Paths;
let fake: FakeProvider;
let ledger: MemoryLedger;
let vault: Vault;
let system: RunningSystem;

const dep = (id: string, provider: string, credential?: string) => ({
  id, provider, model: `model-${id}`, baseUrl: `${fake.origin}/v1`, ...(credential ? { credential } : {}),
  price: { input: 1, output: 1 }, contextWindow: 100_000, capabilities: { tools: true, vision: false, json: true }, tier: 2 as const,
});

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'octant-router-cli-'));
  paths = rootLayout(root);
  fake = await startFakeOpenAI();
  ledger = memoryLedger();
  await saveConfig(paths, { deployments: [dep('keyed', 'openai', 'oa-key'), dep('free', 'vllm')], routes: [] });
  ({ vault } = await initVault(paths, ledger, { passphrase: Buffer.from('correct horse battery'), kdf: { passes: 1, memoryKiB: 1024, parallelism: 1 } }));
  await vault.unseal({ passphrase: Buffer.from('correct horse battery') });
  const port = new URL(fake.origin).port;
  await vault.put('oa-key', Buffer.from(SECRET), { kind: 'header', name: 'authorization', format: 'Bearer {secret}', hosts: [`127.0.0.1:${port}`] });
  const services = serviceTable({ ledger: fixedService('ledger', [], ledger), vault: fixedService('vault', ['ledger'], vault), router: routerService });
  system = await startSystem({ paths, log: silentLogger, services });
  await system.ready;
});

after(async () => {
  await system?.stop();
  await fake?.close();
  rmSync(root, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const mem = memoryIo();
  const code = await runCommand(command, argv, { io: mem.io, rootFlag: root });
  return { code, out: mem.stdout() };
}

test('router test: a keyed deployment through the running system, only once its key is granted to agent:operator', async () => {
  // Refused: the secret is not granted to the operator.
  await assert.rejects(run(['test', 'keyed', '--prompt', 'first']), (e) => isOctantError(e, 'E_VAULT_DENIED'));
  assert.ok(!fake.requests.some((r) => r.body?.messages?.[0]?.content === 'first'), 'no request left without its key');
  await vault.grant('oa-key', 'agent:operator');
  const before = ledger.entries.length;
  const { code, out } = await run(['test', 'keyed', '--prompt', 'ping 7']);
  assert.equal(code, 0);
  assert.match(out, /^keyed: "echo: ping 7" \(12\+5 tokens, \d+ ms, through the running system\)/);
  const sent = fake.requests.at(-1)!;
  assert.equal(sent.headers.authorization, `Bearer ${SECRET}`);
  assert.equal(sent.body.model, 'model-keyed');
  // Log first: the routing decision precedes the vault's injection and the outcome.
  const mine = ledger.entries.slice(before).filter((e) => e.agent === 'operator');
  const actions = mine.map((e) => e.action);
  assert.ok(actions.indexOf('route') < actions.indexOf('secret.inject') && actions.indexOf('secret.inject') < actions.indexOf('complete'), actions.join(','));
  assert.ok(!JSON.stringify(ledger.entries).includes(SECRET), 'the key never reaches the ledger');
});

test('router test: keyless deployments through the system too; unknown deployments named', async () => {
  const { code, out } = await run(['test', 'free']);
  assert.equal(code, 0);
  assert.match(out, /^free: "echo: Reply with the single word: ok"/);
  await assert.rejects(run(['test', 'nope']), (e) => isOctantError(e, 'E_ROUTER_DEPLOYMENT') && /'nope'/.test(e.message));
});

test('router serve: token from a 0600 file; a real client with the token is served, others get 401; closed on stop', async () => {
  const tokenFile = join(root, 'gateway.token');
  writeFileSync(tokenFile, `${GATEWAY_TOKEN}\n`, { mode: 0o644 });
  chmodSync(tokenFile, 0o644);
  await assert.rejects(run(['serve', '--port', '0', '--token-file', tokenFile]), (e) => isOctantError(e, 'E_ROUTER_TOKEN_FILE') && /group or others/.test(e.message));
  await assert.rejects(run(['serve', '--port', '0']), (e) => isOctantError(e, 'E_USAGE') && /--token-file/.test(e.message));
  await assert.rejects(run(['serve', '--port', 'x', '--token-file', tokenFile]), (e) => isOctantError(e, 'E_USAGE') && /--port/.test(e.message));
  chmodSync(tokenFile, 0o600);

  const stop = new AbortController();
  let address = '';
  const served = serveThroughSystem(paths, { port: 0, tokenFile }, stop.signal, (a) => (address = a));
  while (address === '') await new Promise((r) => setTimeout(r, 5));
  assert.match(address, /^http:\/\/127\.0\.0\.1:\d+$/);
  const chat = (token?: string) => fetch(`${address}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ model: 'keyed', messages: [{ role: 'user', content: 'over tcp' }] }),
  });
  const ok = await chat(GATEWAY_TOKEN);
  assert.equal(ok.status, 200);
  const body = (await ok.json()) as { choices: { message: { content: string } }[] };
  assert.equal(body.choices[0].message.content, 'echo: over tcp');
  assert.equal(fake.requests.at(-1)!.headers.authorization, `Bearer ${SECRET}`);
  assert.equal((await chat('gw-operator-token-0123456780')).status, 401);
  assert.equal((await chat()).status, 401);
  const models = await fetch(`${address}/v1/models`, { headers: { 'x-api-key': GATEWAY_TOKEN } });
  assert.ok(((await models.json()) as { data: { id: string }[] }).data.some((m) => m.id === 'keyed'));

  stop.abort();
  assert.equal(await served, 'stopped');
  // The system closes the gateway once the operator's connection is gone.
  let refused: unknown;
  for (let i = 0; i < 100 && refused === undefined; i++) {
    refused = await chat(GATEWAY_TOKEN).then(() => undefined, (e: unknown) => e);
    if (refused === undefined) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(refused instanceof Error, 'the gateway port is closed after serve stops');
});

test('router test with no system running: a keyless deployment is probed by the same router code, its decision and outcome recorded in the ledger', async () => {
  const offline = mkdtempSync(join(tmpdir(), 'octant-router-offline-'));
  try {
    const offlinePaths = rootLayout(offline);
    await saveConfig(offlinePaths, { deployments: [dep('free', 'vllm')], routes: [] });
    const mem = memoryIo();
    assert.equal(await runCommand(command, ['test', 'free'], { io: mem.io, rootFlag: offline }), 0);
    assert.match(mem.stdout(), /^free: "echo: Reply with the single word: ok"/);
    const entries = readLedger(ledgerDir(offlinePaths), { keepEntries: true }).replay.entries;
    // As through the running system: the route decision (recorded before the provider hears of it), then the outcome naming it.
    assert.deepEqual(entries.map((e) => [e.agent, e.kind, e.action]), [['operator', 'router', 'route'], ['operator', 'router', 'complete']]);
    assert.equal(entries[1].detail.decisionSeq, entries[0].seq);
  } finally {
    rmSync(offline, { recursive: true, force: true });
  }
});

test('router add and rm on a running system: in force at once, recorded in the ledger first; unknown ids refused', async () => {
  const before = ledger.entries.length;
  const added = await run(['add', 'late', '--provider', 'vllm', '--model', 'model-late', '--base-url', `${fake.origin}/v1`, '--route', 'extra']);
  assert.equal(added.code, 0);
  assert.match(added.out, /saved to .*router\.yaml, route extra\nin force in the running router: 3 deployment\(s\), 1 route\(s\)\n$/);
  const reload = ledger.entries.slice(before).find((e) => e.action === 'config.reload');
  assert.deepEqual(reload?.detail, { deployments: ['keyed', 'free', 'late'], routes: ['extra'] });
  // No restart: the running router knows the new deployment and route.
  const { code, out } = await run(['test', 'late', '--prompt', 'new here']);
  assert.equal(code, 0);
  assert.match(out, /^late: "echo: new here"/);
  const removed = await run(['rm', 'late']);
  assert.equal(removed.code, 0);
  assert.match(removed.out, /deployment late removed from .*; route\(s\) left empty and removed: extra\nin force in the running router: 2 deployment\(s\), 0 route\(s\)\n$/);
  await assert.rejects(run(['test', 'late']), (e) => isOctantError(e, 'E_ROUTER_DEPLOYMENT') && /'late'/.test(e.message));
  await assert.rejects(run(['rm', 'late']), (e) => isOctantError(e, 'E_ROUTER_DEPLOYMENT') && /no deployment 'late'/.test(e.message));
  await assert.rejects(run(['rm']), (e) => isOctantError(e, 'E_USAGE'));
});

test('router add with no system running: saved, in force from the next boot', async () => {
  const offline = mkdtempSync(join(tmpdir(), 'octant-router-offline-add-'));
  try {
    const mem = memoryIo();
    assert.equal(await runCommand(command, ['add', 'solo', '--provider', 'vllm', '--model', 'm', '--base-url', 'http://127.0.0.1:9/v1'], { io: mem.io, rootFlag: offline }), 0);
    assert.match(mem.stdout(), /no running router: in force from the next boot\n$/);
  } finally {
    rmSync(offline, { recursive: true, force: true });
  }
});

test('router explain: by the running router when one runs, from the configuration file otherwise', async () => {
  const live = await run(['explain', '--model', 'free', '--prompt', 'short question']);
  assert.equal(live.code, 0);
  assert.match(live.out, /^decided by the running router/);
  assert.match(live.out, /\nwinner: free;/);
  const offline = mkdtempSync(join(tmpdir(), 'octant-router-explain-'));
  try {
    await saveConfig(rootLayout(offline), { deployments: [dep('free', 'vllm')], routes: [] });
    const mem = memoryIo();
    assert.equal(await runCommand(command, ['explain', '--model', 'free'], { io: mem.io, rootFlag: offline }), 0);
    assert.match(mem.stdout(), /^decided from .*router\.yaml \(no running router/);
    await assert.rejects(runCommand(command, ['explain', '--agent', 'a1'], { io: mem.io, rootFlag: offline }), (e) => isOctantError(e, 'E_USAGE') && /--agent goes with --last/.test(e.message));
    await assert.rejects(runCommand(command, ['explain', '--seq', 'x'], { io: mem.io, rootFlag: offline }), (e) => isOctantError(e, 'E_USAGE') && /--seq/.test(e.message));
  } finally {
    rmSync(offline, { recursive: true, force: true });
  }
});

test('router explain --last / --seq: a recorded decision and the outcome that names it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-router-recorded-'));
  try {
    const recordedPaths = rootLayout(dir);
    const opened = await openLedger(recordedPaths);
    await opened.append({ agent: 'system', lineage: [], kind: 'system', action: 'boot', target: '', decision: 'ok', detail: {} });
    const engine = createRouter({ config: { deployments: [dep('free', 'vllm')], routes: [] }, injector: { inject: async (_g, r) => r, redaction: new Redactor() }, ledger: opened });
    await engine.chat({ model: 'free', messages: [{ role: 'user', content: 'explain me' }], maxTokens: 20 }, { agent: 'a1', lineage: [] });
    await opened.close();
    const at = async (...argv: string[]) => {
      const mem = memoryIo();
      const code = await runCommand(command, ['explain', ...argv], { io: mem.io, rootFlag: dir });
      return { code, out: mem.stdout() };
    };
    const last = await at('--last', '--agent', 'a1');
    assert.equal(last.code, 0);
    assert.match(last.out, /^decision 1 at \S+, agent a1: allow\nroute deployment:free \(policy ordered\)/);
    assert.match(last.out, /\nwinner: free;/);
    assert.match(last.out, /\noutcome 2: ok via free, 1 attempt\(s\), \d+\+\d+ tokens, \$\d+\.\d{6}\n$/);
    // The outcome's seq explains through the decision it names.
    assert.equal((await at('--seq', '2')).out, last.out);
    const json = JSON.parse((await at('--seq', '1', '--json')).out) as { decision: { seq: number }; outcome: { seq: number; detail: { decisionSeq: number } } };
    assert.deepEqual([json.decision.seq, json.outcome.seq, json.outcome.detail.decisionSeq], [1, 2, 1]);
    await assert.rejects(at('--seq', '0'), (e) => isOctantError(e, 'E_ROUTER_EXPLAIN') && /entry 0 is not a routing decision \(kind system, action boot\)/.test(e.message));
    await assert.rejects(at('--seq', '9'), (e) => isOctantError(e, 'E_ROUTER_EXPLAIN') && /no ledger entry 9 \(the ledger has 3\)/.test(e.message));
    await assert.rejects(at('--last', '--agent', 'nobody'), (e) => isOctantError(e, 'E_ROUTER_EXPLAIN') && /for agent nobody/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
