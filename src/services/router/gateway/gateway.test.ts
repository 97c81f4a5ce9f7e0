import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '../accumulate.ts';
import { createAnthropicProvider } from '../providers/anthropic/index.ts';
import { createOpenAIProvider } from '../providers/openai/index.ts';
import { createRouter } from '../router.ts';
import { startFakeOpenAI } from '../testing/fake-openai.ts';
import type { FakeProvider } from '../testing/fake-server.ts';
import { memoryLedger } from '../../ledger/testing/memory-ledger.ts';
import { testCall, testInjector } from '../testing/test-injector.ts';
import type { Caller } from '../types.ts';
import { createGatewayRoutes, serveGateway, type RunningGateway } from './server.ts';

const AGENT_TOKEN = 'gw-token-agent-1';
let fake: FakeProvider;
let gw: RunningGateway;
let dir: string;
let sock: RunningGateway;

before(async () => {
  fake = await startFakeOpenAI();
  const router = createRouter({
    config: {
      deployments: [
        { id: 'oa', provider: 'openai', model: 'gpt-up', baseUrl: `${fake.origin}/v1`, credential: 'oa-key', price: { input: 1, output: 1 }, contextWindow: 100_000, capabilities: { tools: true, vision: true, json: true }, tier: 2 },
        { id: 'emb', provider: 'openai', kind: 'embedding', model: 'emb-up', baseUrl: `${fake.origin}/v1`, credential: 'oa-key', price: { input: 0.1, output: 0 }, contextWindow: 8_000, capabilities: { tools: false, vision: false, json: false }, tier: 1 },
      ],
      routes: [],
    },
    injector: testInjector({ 'oa-key': 'sk-upstream' }),
    ledger: memoryLedger(),
  });
  const authenticate = async (token: string): Promise<Caller | undefined> => (token === AGENT_TOKEN ? { agent: 'agent-1', lineage: [], budget: { tokensPerRequest: 5_000 } } : undefined);
  const handler = createGatewayRoutes({ router, authenticate });
  gw = await serveGateway(handler, { port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'octant-gw-'));
  sock = await serveGateway(handler, { path: join(dir, 'gateway.sock') });
});
after(async () => {
  await gw.close();
  await sock.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${AGENT_TOKEN}` }) =>
  fetch(`${gw.address}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

test('refused without a token or with an unknown one; accepted with the agent token (Bearer or x-api-key)', async () => {
  const chat = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };
  const none = await post('/v1/chat/completions', chat, {});
  assert.equal(none.status, 401);
  assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'E_GATEWAY_AUTH');
  assert.equal((await post('/v1/chat/completions', chat, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await post('/v1/messages', { ...chat, max_tokens: 10 }, { 'x-api-key': 'wrong' })).status, 401);
  const ok = await post('/v1/chat/completions', chat);
  assert.equal(ok.status, 200);
  const body = (await ok.json()) as { choices: { message: { content: string } }[] };
  assert.equal(body.choices[0].message.content, 'echo: hi');
  // The upstream got the vault-injected key, never the agent's token.
  const upstream = fake.requests.at(-1)!;
  assert.equal(upstream.headers.authorization, 'Bearer sk-upstream');
  assert.ok(!JSON.stringify(upstream).includes(AGENT_TOKEN));
});

test('chat completions stream through our own OpenAI adapter as the client', async () => {
  const client = createOpenAIProvider('openai');
  const call = { ...testCall(`${gw.address}/v1`, 'auto', AGENT_TOKEN), injector: testInjector({ 'test-key': AGENT_TOKEN }) };
  fake.script({ kind: 'ok', text: 'streamed through the gateway' });
  const streamed = await collect((await client.stream({ model: 'auto', messages: [{ role: 'user', content: 'x' }] }, call)).events);
  assert.equal(streamed.content, 'streamed through the gateway');
  assert.equal(streamed.usage.completionTokens, 5);
  fake.script({ kind: 'ok', toolCall: { id: 'call_1', name: 'f', arguments: '{"a":1}' } });
  const tools = await collect((await client.stream({ model: 'auto', messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'f', parameters: {} }] }, call)).events);
  assert.deepEqual(tools.toolCalls, [{ id: 'call_1', name: 'f', arguments: '{"a":1}' }]);
});

test('/v1/messages speaks Anthropic: our Anthropic adapter works against it, plain and streamed', async () => {
  const client = createAnthropicProvider();
  const call = { ...testCall(gw.address, 'auto', AGENT_TOKEN), injector: testInjector({ 'test-key': AGENT_TOKEN }) };
  const plain = await client.chat({ model: 'auto', messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'yo' }] }, call);
  assert.equal(plain.response.content, 'echo: yo');
  fake.script({ kind: 'ok', toolCall: { id: 'call_2', name: 'g', arguments: '{"b":2}' } });
  const streamed = await collect((await client.stream({ model: 'auto', messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'g', parameters: {} }] }, call)).events);
  assert.equal(streamed.toolCalls[0].name, 'g');
  assert.deepEqual(JSON.parse(streamed.toolCalls[0].arguments), { b: 2 });
  assert.equal(streamed.stopReason, 'tool_calls');
});

test('/v1/responses, /v1/models, /v1/embeddings', async () => {
  const r = (await (await post('/v1/responses', { model: 'auto', instructions: 'brief', input: 'hello responses' })).json()) as { object: string; output: { content: { text: string }[] }[]; usage: { input_tokens: number } };
  assert.equal(r.object, 'response');
  assert.equal(r.output[0].content[0].text, 'echo: hello responses');
  assert.equal(r.usage.input_tokens, 12);
  const stream = await (await post('/v1/responses', { model: 'auto', input: [{ role: 'user', content: 'ab' }], stream: true })).text();
  assert.match(stream, /event: response.created/);
  assert.match(stream, /"delta":"echo: "/);
  assert.match(stream, /event: response.completed/);
  const list = (await (await fetch(`${gw.address}/v1/models`, { headers: { authorization: `Bearer ${AGENT_TOKEN}` } })).json()) as { data: { id: string }[] };
  assert.deepEqual(list.data.map((m) => m.id), ['auto', 'oa', 'emb']);
  const emb = (await (await post('/v1/embeddings', { model: 'emb', input: ['abcd'] })).json()) as { data: { embedding: number[] }[] };
  assert.equal(emb.data[0].embedding[0], 4);
});

test('the same handler serves an agent on a Unix socket', async () => {
  const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'over the socket' }] });
  const text = await new Promise<string>((resolve, reject) => {
    const req = http.request({ socketPath: sock.address, path: '/v1/chat/completions', method: 'POST', headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve(data));
    });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal((JSON.parse(text) as { choices: { message: { content: string } }[] }).choices[0].message.content, 'echo: over the socket');
});

test('well-formed requests with every member the APIs define (nulls included, SDK echoes of assistant turns) are served', async () => {
  const chat = await post('/v1/chat/completions', {
    model: 'auto',
    messages: [
      { role: 'developer', content: [{ type: 'text', text: 'be brief' }] },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }], name: 'u1' },
      { role: 'assistant', content: null, refusal: null, annotations: [], tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'result' },
      { role: 'user', content: 'and now?' },
    ],
    tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object', properties: {} }, strict: false } }],
    tool_choice: { type: 'function', function: { name: 'f' } },
    max_tokens: null, max_completion_tokens: 50, temperature: 0.2, top_p: 1, stop: 'END',
    response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
    stream: false, seed: 7, user: 'u', metadata: { k: 'v' }, store: false, parallel_tool_calls: true, frequency_penalty: 0, presence_penalty: null,
    logprobs: false, n: 1, service_tier: 'auto', reasoning_effort: 'low', logit_bias: { '50256': -100 },
  });
  assert.equal(chat.status, 200, await chat.clone().text());
  assert.equal(((await chat.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content, 'echo: and now?');
  const sent = fake.requests.at(-1)!.body;
  assert.equal(sent.max_tokens, 50);
  assert.equal(sent.seed, undefined, 'hints the router has no use for are not forwarded');
  const streamed = await post('/v1/chat/completions', { model: 'auto', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } });
  assert.match(await streamed.text(), /"usage"/);
  const messages = await post('/v1/messages', {
    model: 'auto', max_tokens: 20, system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral' } }], metadata: { user_id: 'u' }, top_k: 5, stop_sequences: ['Z'],
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: [{ type: 'text', text: 'calling' }, { type: 'tool_use', id: 'tu_1', name: 'g', input: { a: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1' }, { type: 'text', text: 'go on' }] },
    ],
    tools: [{ name: 'g', input_schema: { type: 'object' } }], tool_choice: { type: 'auto', disable_parallel_tool_use: true }, thinking: { type: 'disabled' },
  }, { 'x-api-key': AGENT_TOKEN });
  assert.equal(messages.status, 200, await messages.clone().text());
  const responses = await post('/v1/responses', {
    model: 'auto', instructions: 'i', store: false, truncation: 'auto', include: [], text: { format: { type: 'text' } }, metadata: {},
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'r' }] }, { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: 'ok' }],
  });
  assert.equal(responses.status, 200, await responses.clone().text());
});


test('errors come back in the API shape with a status SDKs understand', async () => {
  const bad = await post('/v1/chat/completions', { model: 'auto' });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /messages: is required/);
  const over = await post('/v1/chat/completions', { model: 'auto', messages: [{ role: 'user', content: 'x' }], max_tokens: 10_000 });
  assert.equal(over.status, 402);
  // Last test: this leaves the only chat deployment cooling for a minute.
  fake.script({ kind: 'error', status: 429, retryAfter: '60' });
  const limited = await post('/v1/messages', { model: 'oa', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(limited.status, 503);
  assert.equal(((await limited.json()) as { error: { type: string } }).error.type, 'overloaded_error');
  assert.equal((await post('/v1/nope', {})).status, 404);
});
