// Hostile and careless clients against the router's HTTP surfaces: the
// model endpoints of an agent's gateway (a Unix socket) and `octant router
// serve` (TCP), both in front of the real router service of a running
// system with the real ledger on disk and a fake OpenAI-compatible upstream
// on 127.0.0.1. Every malformed or oversize request gets a 4xx in its API's
// error shape naming the field, nothing of it reaches the ledger or the
// upstream, the daemon stays responsive and the next well-formed request of
// the same caller succeeds. The official `openai` SDK is one of the clients:
// it must get a 400 and not retry it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMediator } from '../src/agent/gateway/mediator.ts';
import { startGateway, type Gateway } from '../src/agent/gateway/server.ts';
import { memoryIo } from '../src/lib/memory-io.ts';
import { command as statusCommand } from '../src/operator/cli/status.ts';
import { runCommand } from '../src/operator/cli/dispatch.ts';
import { serveThroughSystem } from '../src/operator/cli/router.ts';
import { serviceTable } from '../src/operator/service-table.ts';
import { startSystem, type RunningSystem } from '../src/operator/system.ts';
import { silentLogger } from '../src/runtime/log.ts';
import { rootLayout, type Paths } from '../src/runtime/paths.ts';
import type { NoSettings, ServiceDefinition } from '../src/runtime/supervisor/service.ts';
import { openLedger, type OpenLedger } from '../src/services/ledger/api.ts';
import { routerService, saveConfig, type RouterServiceApi } from '../src/services/router/api.ts';
import { startFakeOpenAI } from '../src/services/router/testing/fake-openai.ts';
import type { FakeProvider } from '../src/services/router/testing/fake-server.ts';
import { initVault } from '../src/services/vault/api.ts';
import { TEST_AGENT } from './support/agent-user.ts';
import { fixedService } from './support/fixed-service.ts';

const SERVE_TOKEN = 'serve-token-0123456789abcdef';
const AGENT_TOKEN = 'agent-token-0123456789abcdef';
let root: string;
let paths: Paths;
let fake: FakeProvider;
let ledger: OpenLedger;
let system: RunningSystem;
let agentGateway: Gateway;
let serveAddress = '';
const stopServe = new AbortController();
let served: Promise<unknown>;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'octant-hostile-'));
  paths = rootLayout(root);
  fake = await startFakeOpenAI();
  // Keyless (no vault grant needed); a route with a spend cap on its only deployment.
  await saveConfig(paths, {
    deployments: [{ id: 'local', provider: 'vllm', model: 'm-local', baseUrl: `${fake.origin}/v1`, price: { input: 1, output: 1 }, contextWindow: 32_000, capabilities: { tools: true, vision: false, json: true }, tier: 2 }],
    routes: [{ name: 'main', deployments: ['local'], policy: 'ordered', budget: { tokensPerRequest: 20_000 } }],
  });
  ledger = await openLedger(paths);
  const { vault } = await initVault(paths, ledger, { passphrase: Buffer.from('correct horse battery'), kdf: { passes: 1, memoryKiB: 1024, parallelism: 1 } });
  // The agent side: a gateway socket whose /v1/* is the router's handler, as the agent runtime mounts it.
  const agentHost: ServiceDefinition<{}, { router: Pick<RouterServiceApi, 'gatewayRoutes'> }, NoSettings> = {
    name: 'agent-host',
    needs: ['router'],
    async start(ctx) {
      const { router } = ctx.deps;
      const llm = router.gatewayRoutes(async (token) => (token === AGENT_TOKEN ? { agent: 'agt_hostile', lineage: [] } : undefined));
      const session = { aid: 'agt_hostile', lineage: [], manifest: {} as never, workspace: [], contacted: new Set<string>(), token: AGENT_TOKEN, user: TEST_AGENT };
      const mediator = createMediator({ tools: [], ledger: (e) => ledger.append(e), approve: async () => ({ approved: false, id: 'apr_none', reason: 'none' }), redact: (t) => t, redactAsync: async (t) => t });
      agentGateway = await startGateway({ socketPath: join(root, 'run', 'agent.sock'), session, token: AGENT_TOKEN, mediator, llm });
      return { api: {}, health: () => ({ ok: true }), stop: () => agentGateway.close() };
    },
  };
  const services = serviceTable({ 'ledger': fixedService('ledger', [], ledger), 'vault': fixedService('vault', ['ledger'], vault), 'router': routerService, 'agent-host': agentHost });
  system = await startSystem({ paths, log: silentLogger, services });
  await system.ready;
  const tokenFile = join(root, 'serve.token');
  writeFileSync(tokenFile, SERVE_TOKEN, { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
  served = serveThroughSystem(paths, { port: 0, tokenFile }, stopServe.signal, (a) => (serveAddress = a));
  while (serveAddress === '') await new Promise((r) => setTimeout(r, 5));
});

after(async () => {
  stopServe.abort();
  await served;
  await system?.stop();
  await ledger?.close();
  await fake?.close();
  rmSync(root, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: any;
  text: string;
}

type Surface = 'serve' | 'agent';
const SURFACES: Surface[] = ['serve', 'agent'];

/** One request over TCP (router serve) or the agent's Unix socket, with a raw body. */
function send(surface: Surface, path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  const token = surface === 'serve' ? SERVE_TOKEN : AGENT_TOKEN;
  const target = surface === 'serve' ? { host: '127.0.0.1', port: Number(new URL(serveAddress).port) } : { socketPath: agentGateway.socketPath };
  return new Promise((resolve, reject) => {
    const req = http.request({ ...target, path, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const post = (surface: Surface, path: string, body: unknown): Promise<Reply> => send(surface, path, JSON.stringify(body));
const hi = [{ role: 'user', content: 'hi' }];

/** The OpenAI error shape, naming the field. */
function openAIError(reply: Reply, status: number, param: string | null, message: RegExp): void {
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.body.error.type, 'invalid_request_error', reply.text);
  assert.equal(reply.body.error.param, param, reply.text);
  assert.match(reply.body.error.message, message);
  assert.equal(typeof reply.body.error.code, 'string');
}

/** The Anthropic error shape. */
function anthropicError(reply: Reply, status: number, message: RegExp): void {
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.body.type, 'error', reply.text);
  assert.equal(reply.body.error.type, status === 413 ? 'request_too_large' : 'invalid_request_error', reply.text);
  assert.match(reply.body.error.message, message);
}

/** The daemon still answers, and the same caller's next well-formed request is served. */
async function stillServes(surface: Surface): Promise<void> {
  const ok = await post(surface, '/v1/chat/completions', { model: 'main', messages: [{ role: 'user', content: 'still here' }], max_tokens: 10 });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.choices[0].message.content, 'echo: still here');
}

const CHAT_CASES: [string, unknown, string | null, RegExp][] = [
  ['max_tokens as a word', { model: 'main', messages: hi, max_tokens: 'ten' }, 'max_tokens', /max_tokens: expects an integer >= 1, got a string/],
  ['negative max_tokens', { model: 'main', messages: hi, max_tokens: -5 }, 'max_tokens', /max_tokens: expects an integer/],
  ['zero max_tokens', { model: 'main', messages: hi, max_tokens: 0 }, 'max_tokens', /max_tokens/],
  ['fractional max_tokens', { model: 'main', messages: hi, max_completion_tokens: 2.5 }, 'max_completion_tokens', /max_completion_tokens: expects an integer/],
  ['a null message', { model: 'main', messages: [null] }, 'messages[0]', /messages\[0\]: expects an object, got null/],
  ['numeric content', { model: 'main', messages: [{ role: 'user', content: 42 }] }, 'messages[0].content', /messages\[0\]\.content: expects a string or an array/],
  ['an unknown role', { model: 'main', messages: [{ role: 'root', content: 'x' }] }, 'messages[0].role', /expects one of 'system'/],
  ['a bad content part', { model: 'main', messages: [{ role: 'user', content: [{ type: 'text', text: 7 }] }] }, 'messages[0].content[0].text', /expects a string/],
  ['tools as a word', { model: 'main', messages: hi, tools: 'none' }, 'tools', /tools: expects an array, got a string/],
  ['a tool without a function', { model: 'main', messages: hi, tools: [{ type: 'function' }] }, 'tools[0].function', /expects an object/],
  ['temperature out of range', { model: 'main', messages: hi, temperature: 5 }, 'temperature', /temperature: expects a number from 0 to 2, got 5/],
  ['a numeric model', { model: 42, messages: hi }, 'model', /model: expects a string/],
  ['a megabyte model name', { model: 'm'.repeat(1 << 20), messages: hi }, 'model', /model: expects at most 256 characters/],
  ['no messages', { model: 'main' }, 'messages', /messages: is required/],
  ['empty messages', { model: 'main', messages: [] }, 'messages', /messages: expects a non-empty array/],
  ['an unknown member', { model: 'main', messages: hi, launch_missiles: true }, 'launch_missiles', /Unrecognized request argument supplied: launch_missiles/],
  ['n > 1', { model: 'main', messages: hi, n: 3 }, 'n', /n: expects an integer from 1 to 1/],
  ['stream as a string', { model: 'main', messages: hi, stream: 'yes' }, 'stream', /stream: expects true or false/],
  ['five stop sequences', { model: 'main', messages: hi, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', /at most 4 items/],
  ['tool_choice as an object of the wrong kind', { model: 'main', messages: hi, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function' } }, 'tool_choice.function', /expects an object/],
  ['tool_choice naming no tool', { model: 'main', messages: hi, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function', function: { name: 'g' } } }, 'tool_choice.function.name', /names no tool in 'tools' \('g'\)/],
  ['max_tokens over every context window', { model: 'main', messages: hi, max_tokens: 1e9 }, 'max_tokens', /no deployment can serve this request.*max_tokens 1000000000 over context window 32000/],
];

for (const surface of SURFACES) {
  test(`${surface}: malformed Chat Completions requests get a 400 naming the field, and record nothing`, async () => {
    for (const [name, body, param, message] of CHAT_CASES) {
      const upstream = fake.requests.length;
      const entries = ledger.mark().seq;
      const reply = await post(surface, '/v1/chat/completions', body);
      openAIError(reply, 400, param, message);
      assert.equal(fake.requests.length, upstream, `${name}: nothing reached the upstream`);
      // Only the decision that no deployment can serve a request that large is recorded (a deny).
      if (!/context window/.test(message.source)) assert.equal(ledger.mark().seq, entries, `${name}: nothing reached the ledger`);
    }
    await stillServes(surface);
  });

  test(`${surface}: bodies that are not one well-formed JSON object get a 400; the next request is served`, async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['not JSON', '{"model": "main", ', /is not JSON/],
      ['an array', '[]', /body: expects an object, got an array/],
      ['empty', '', /empty/],
      ['nested 10,000 deep', `{"model":"main","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}]}`, /nested more than 64 levels deep/],
      ['a lone surrogate', '{"model":"main","messages":[{"role":"user","content":"\\ud800"}]}', /lone surrogate/],
      ['invalid UTF-8', Buffer.concat([Buffer.from('{"model":"main","messages":[{"role":"user","content":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]), /not valid UTF-8/],
      ['an infinite number', '{"model":"main","messages":[{"role":"user","content":"x"}],"max_tokens":1e999}', /number 1e999 in member "max_tokens".*not finite/],
    ];
    for (const [name, body, message] of cases) {
      const reply = await send(surface, '/v1/chat/completions', body);
      assert.equal(reply.status, 400, `${name}: ${reply.text}`);
      assert.match(reply.body.error.message, message, name);
    }
    await stillServes(surface);
  });

  test(`${surface}: Anthropic /v1/messages refuses wrong types in its own error shape`, async () => {
    const base = { model: 'main', max_tokens: 10, messages: hi };
    anthropicError(await post(surface, '/v1/messages', { ...base, system: 42 }), 400, /system: expects a string or an array of text blocks, got number/);
    anthropicError(await post(surface, '/v1/messages', { ...base, max_tokens: 'ten' }), 400, /max_tokens: expects an integer/);
    anthropicError(await post(surface, '/v1/messages', { model: 'main', messages: hi }), 400, /max_tokens: Field required/);
    anthropicError(await post(surface, '/v1/messages', { ...base, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] }), 400, /messages\[0\]\.content\[0\]\.type: expects one of 'text', 'image', 'tool_result'/);
    anthropicError(await post(surface, '/v1/messages', { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 'x' }] }] }), 400, /messages\[0\]\.content\[0\]\.type/);
    anthropicError(await post(surface, '/v1/messages', { ...base, tools: [{ name: 'f' }] }), 400, /tools\[0\]\.input_schema: expects an object/);
    anthropicError(await post(surface, '/v1/messages', { ...base, temperature: 1.5 }), 400, /temperature: expects a number from 0 to 1/);
    anthropicError(await post(surface, '/v1/messages', { ...base, frobnicate: 1 }), 400, /frobnicate: Extra inputs are not permitted/);
    // Working twin.
    const ok = await post(surface, '/v1/messages', { ...base, system: [{ type: 'text', text: 'be brief' }] });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.content[0].text, 'echo: hi');
  });

  test(`${surface}: Responses and Embeddings refuse wrong types naming the field`, async () => {
    openAIError(await post(surface, '/v1/responses', { model: 'main', input: 42 }), 400, 'input', /input: expects a string/);
    openAIError(await post(surface, '/v1/responses', { model: 'main', input: 'x', max_output_tokens: 0 }), 400, 'max_output_tokens', /expects an integer >= 1/);
    openAIError(await post(surface, '/v1/responses', { model: 'main', input: [{ role: 'user', content: [{ type: 'input_text', text: null }] }] }), 400, 'input[0].content[0].text', /expects a string, got null/);
    openAIError(await post(surface, '/v1/responses', { model: 'main', input: 'x', previous_response_id: 'resp_1' }), 400, 'previous_response_id', /not supported/);
    openAIError(await post(surface, '/v1/responses', { model: 'main', input: 'x', bogus: 1 }), 400, 'bogus', /Unknown parameter: 'bogus'/);
    openAIError(await post(surface, '/v1/responses', { model: 'main', input: 'x', stream: true, max_output_tokens: 1e9 }), 400, 'max_output_tokens', /no deployment can serve this request/);
    openAIError(await post(surface, '/v1/embeddings', { model: 'main', input: [1, 2] }), 400, 'input[0]', /token arrays are not supported/);
    const ok = await post(surface, '/v1/responses', { model: 'main', input: 'respond' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.output[0].content[0].text, 'echo: respond');
  });

  test(`${surface}: a 12 MB prompt is a 400 (not a retryable 503); a 17 MiB body is a 413 the client receives`, async () => {
    const huge = await post(surface, '/v1/chat/completions', { model: 'main', messages: [{ role: 'user', content: 'x'.repeat(12 << 20) }] });
    openAIError(huge, 400, 'messages', /no deployment can serve this request.*over context window 32000/);
    const oversize = Buffer.alloc(17 << 20, 0x20);
    const tooLarge = await send(surface, '/v1/chat/completions', oversize);
    openAIError(tooLarge, 413, null, /request body of (more than )?\d+ bytes exceeds the limit of 16777216 bytes/);
    const tooLargeAnthropic = await send(surface, '/v1/messages', oversize);
    anthropicError(tooLargeAnthropic, 413, /exceeds the limit of 16777216 bytes/);
    // A declared length over the limit is answered before the body is read.
    const declared = await send(surface, '/v1/chat/completions', oversize, { 'content-length': String(oversize.length) });
    assert.equal(declared.status, 413);
    await stillServes(surface);
  });
}

test('router serve: while a client trickles an oversize body and others flood malformed ones, well-formed requests are served', async () => {
  const port = Number(new URL(serveAddress).port);
  // A slow upload: 1 MiB every 20 ms, past the 16 MiB limit.
  const slow = new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', headers: { authorization: `Bearer ${SERVE_TOKEN}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    let sent = 0;
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const tick = setInterval(() => {
      if (sent++ >= 20) {
        clearInterval(tick);
        req.end();
      } else req.write(chunk);
    }, 20);
  });
  const flood = Array.from({ length: 20 }, (_, i) => post('serve', '/v1/chat/completions', { model: 'main', messages: [{ role: 'user', content: i }] }));
  const good = Array.from({ length: 5 }, (_, i) => post('serve', '/v1/chat/completions', { model: 'main', messages: [{ role: 'user', content: `good ${i}` }] }));
  for (const reply of await Promise.all(flood)) assert.equal(reply.status, 400, reply.text);
  const served = await Promise.all(good);
  served.forEach((reply, i) => assert.equal(reply.body.choices[0].message.content, `echo: good ${i}`));
  assert.equal(await slow, 413);
  await stillServes('serve');
});

test('router serve: the official openai SDK gets a 400 for bad input and does not retry it', async () => {
  const { default: OpenAI } = await import('openai');
  let calls = 0;
  const counting: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };
  const client = new OpenAI({ apiKey: SERVE_TOKEN, baseURL: `${serveAddress}/v1`, maxRetries: 2, fetch: counting });
  const bad = await client.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'x' }], max_tokens: 'ten' as unknown as number }).then(() => undefined, (e: unknown) => e);
  assert.ok(bad instanceof OpenAI.BadRequestError, String(bad));
  assert.equal(bad.status, 400);
  assert.equal(bad.param, 'max_tokens');
  assert.equal(calls, 1, 'a 400 is not retried');
  const tooBig = await client.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'x' }], max_tokens: 1_000_000_000 }).then(() => undefined, (e: unknown) => e);
  assert.ok(tooBig instanceof OpenAI.BadRequestError, String(tooBig));
  assert.equal(calls, 2);
  const oversize = await client.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'x'.repeat(17 << 20) }] }).then(() => undefined, (e: unknown) => e);
  assert.ok(oversize instanceof OpenAI.APIError && oversize.status === 413, String(oversize));
  assert.equal(calls, 3, 'a 413 is not retried');
  const ok = await client.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'after the bad ones' }] });
  assert.equal(ok.choices[0].message.content, 'echo: after the bad ones');
});

test('budgets: naming the deployment instead of its route does not sidestep the route\'s cap', async () => {
  for (const model of ['main', 'local', 'm-local']) {
    const over = await post('serve', '/v1/chat/completions', { model, messages: hi, max_tokens: 25_000 });
    assert.equal(over.status, 402, `${model}: ${over.text}`);
    assert.match(over.body.error.message, /route main: budget tokensPerRequest 20000/);
    const within = await post('serve', '/v1/chat/completions', { model, messages: hi, max_tokens: 100 });
    assert.equal(within.status, 200, `${model}: ${within.text}`);
  }
});

async function routerHealth(): Promise<string> {
  const mem = memoryIo();
  await runCommand(statusCommand, ['--json'], { io: mem.io, rootFlag: root });
  const status = JSON.parse(mem.stdout()) as { services: { name: string; health: { ok: boolean; detail?: string } | null }[] };
  return status.services.find((s) => s.name === 'router')!.health!.detail ?? '';
}

test('a ledger refusal fails its request closed and shows in octant status; every other request is served', async () => {
  assert.doesNotMatch(await routerHealth(), /ledger refused/, 'no refusal after all the hostile input above');
  // The agent's partition sealed (as when it is stopped): its records are refused.
  await ledger.seal('agt_hostile');
  const refused = await post('agent', '/v1/chat/completions', { model: 'main', messages: hi });
  assert.equal(refused.status, 500, refused.text);
  assert.match(refused.body.error.message, /E_ROUTER_LEDGER: the ledger refused the decision record of this request .*sealed/);
  let detail = '';
  for (let i = 0; i < 200 && !/ledger refused/.test(detail); i++) {
    detail = await routerHealth();
    if (!/ledger refused/.test(detail)) await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(detail, /ledger refused \d+ record\(s\), last at .*sealed/);
  // router serve's caller is not affected.
  await stillServes('serve');
});
