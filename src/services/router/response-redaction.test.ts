// An upstream that echoes the key it was sent: through the gateway (real
// HTTP on 127.0.0.1 both sides, the real OpenAI wire format), the client never
// sees it, in JSON, in SSE chunks split anywhere, in tool-call arguments or in
// an error, and the ledger never records it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, Redactor } from '../vault/api.ts';
import { createGatewayRoutes, serveGateway, type RunningGateway } from './gateway/server.ts';
import { EventRedactor } from './response-redaction.ts';
import { createRouter } from './router.ts';
import { startFakeOpenAI } from './testing/fake-openai.ts';
import type { FakeProvider } from './testing/fake-server.ts';
import { memoryLedger, type MemoryLedger } from '../ledger/testing/memory-ledger.ts';
import { testInjector } from './testing/test-injector.ts';
import type { Caller, StreamEvent } from './types.ts';

const KEY = 'up-7f3a9c1e5b2d4f6a8c0e11'; // no known key format: only the value can catch it
const TOKEN = 'gw-token-redaction';
let fake: FakeProvider;
let gw: RunningGateway;
let ledger: MemoryLedger;

before(async () => {
  fake = await startFakeOpenAI();
  ledger = memoryLedger();
  const router = createRouter({
    config: {
      deployments: [{ id: 'oa', provider: 'openai', model: 'gpt-up', baseUrl: `${fake.origin}/v1`, credential: 'oa-key', price: { input: 1, output: 1 }, contextWindow: 100_000, capabilities: { tools: true, vision: true, json: true }, tier: 2 }],
      routes: [],
    },
    injector: testInjector({ 'oa-key': KEY }),
    ledger,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxWaitMs: 1 },
  });
  const authenticate = async (token: string): Promise<Caller | undefined> => (token === TOKEN ? { agent: 'agent-r', lineage: [] } : undefined);
  gw = await serveGateway(createGatewayRoutes({ router, authenticate }), { port: 0 });
});
after(async () => {
  await gw.close();
  await fake.close();
});

async function post(body: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const res = await fetch(`${gw.address}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...body }) });
  return { status: res.status, text: await res.text() };
}

/** The content and tool-call arguments a client assembles from SSE chunks. */
function assemble(sse: string): { content: string; args: string; deltas: string[]; errors: string[] } {
  const out = { content: '', args: '', deltas: [] as string[], errors: [] as string[] };
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const chunk = JSON.parse(line.slice(6)) as { error?: { message: string }; choices?: { delta: { content?: string; tool_calls?: { function: { arguments: string } }[] } }[] };
    if (chunk.error !== undefined) out.errors.push(chunk.error.message);
    const delta = chunk.choices?.[0]?.delta;
    if (delta?.content) { out.content += delta.content; out.deltas.push(delta.content); }
    for (const call of delta?.tool_calls ?? []) out.args += call.function.arguments;
  }
  return out;
}

test('a key echoed in a JSON completion is redacted', async () => {
  fake.script({ kind: 'ok', text: 'you sent Bearer $KEY, thanks' });
  const { status, text } = await post({});
  assert.equal(status, 200);
  assert.equal((JSON.parse(text) as { choices: { message: { content: string } }[] }).choices[0].message.content, `you sent Bearer ${REDACTED}, thanks`);
  assert.equal(fake.requests.at(-1)!.headers.authorization, `Bearer ${KEY}`, 'the upstream did get the key');
});

test('a key echoed in SSE chunks split at every offset inside it never reaches the client, not even in part', async () => {
  const prefix = 'key: ';
  for (let cut = 0; cut <= KEY.length; cut++) {
    fake.script({ kind: 'ok', text: `${prefix}$KEY done`, cuts: [prefix.length + cut, prefix.length + KEY.length + 2] });
    const { status, text } = await post({ stream: true });
    assert.equal(status, 200);
    assert.ok(!text.includes(KEY.slice(0, 3)), `cut ${cut}: ${text}`);
    const got = assemble(text);
    assert.equal(got.content, `${prefix}${REDACTED} done`, `cut ${cut}`);
  }
});

test('tool-call arguments echoing the key, split across chunks, are redacted', async () => {
  fake.script({ kind: 'ok', toolCall: { name: 'save', arguments: '{"token":"$KEY"}' } });
  const { text } = await post({ stream: true, tools: [{ type: 'function', function: { name: 'save', parameters: { type: 'object' } } }] });
  assert.ok(!text.includes(KEY.slice(0, 3)), text);
  assert.equal(assemble(text).args, `{"token":"${REDACTED}"}`);
  fake.script({ kind: 'ok', toolCall: { name: 'save', arguments: '{"token":"$KEY"}' } });
  const json = await post({ tools: [{ type: 'function', function: { name: 'save', parameters: { type: 'object' } } }] });
  assert.ok(!json.text.includes(KEY), json.text);
});

test('a key quoted in an upstream error is redacted for the client and in the ledger', async () => {
  const before = ledger.entries.length;
  // A 400 is not failed over: the upstream's own message reaches the client.
  fake.script({ kind: 'error', status: 400, message: 'Incorrect API key provided: $KEY' });
  const { status, text } = await post({});
  assert.ok(status >= 400 && status < 600);
  assert.ok(!text.includes(KEY.slice(0, 3)), text);
  assert.match(text, /Incorrect API key provided: \[REDACTED\]/);
  const recorded = JSON.stringify(ledger.entries.slice(before));
  assert.ok(!recorded.includes(KEY.slice(0, 3)), recorded);
  assert.match(recorded, /Incorrect API key provided: \[REDACTED\]/);
  // The same error in answer to a stream request.
  fake.script({ kind: 'error', status: 400, message: 'Incorrect API key provided: $KEY' });
  const streamed = await post({ stream: true });
  assert.ok(!streamed.text.includes(KEY.slice(0, 3)), streamed.text);
});

test('a stream cut mid-key by the upstream withholds the part already received', async () => {
  fake.script({ kind: 'truncate', text: 'key: $KEY tail', cuts: ['key: '.length + 12] });
  const { text } = await post({ stream: true });
  const got = assemble(text);
  assert.ok(!text.includes(KEY.slice(0, 3)), text);
  assert.equal(got.content, 'key: ');
  assert.equal(got.errors.length, 1, 'the client is told the stream failed');
  assert.ok(!JSON.stringify(ledger.entries).includes(KEY.slice(0, 3)));
});

test('events: text held back is released before the tool calls, so the order stays text, then calls', async () => {
  const redaction = new Redactor();
  redaction.add(KEY);
  const redactor = new EventRedactor(redaction);
  const input: StreamEvent[] = [
    { type: 'text', delta: `see ${KEY.slice(0, 9)}` }, { type: 'text', delta: `${KEY.slice(9)} ok` },
    { type: 'tool_call', index: 0, id: 'call_1', name: 'save', argumentsDelta: `{"k":"${KEY.slice(0, 5)}` }, { type: 'tool_call', index: 0, argumentsDelta: `${KEY.slice(5)}"}` },
    { type: 'done', response: { id: 'r', model: 'm', content: `see ${KEY} ok`, toolCalls: [{ id: 'call_1', name: 'save', arguments: `{"k":"${KEY}"}` }], stopReason: 'tool_calls', usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0 } } },
  ];
  const out: StreamEvent[] = [];
  for (const event of input) for await (const e of redactor.push(event)) out.push(e);
  const kinds = out.map((e) => e.type);
  assert.ok(kinds.lastIndexOf('text') < kinds.indexOf('tool_call'), kinds.join(','));
  assert.equal(out.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join(''), `see ${REDACTED} ok`);
  assert.equal(out.flatMap((e) => (e.type === 'tool_call' ? [e.argumentsDelta] : [])).join(''), `{"k":"${REDACTED}"}`);
  const done = out.at(-1) as Extract<StreamEvent, { type: 'done' }>;
  assert.deepEqual([done.response.content, done.response.toolCalls[0].arguments], [`see ${REDACTED} ok`, `{"k":"${REDACTED}"}`]);
  assert.ok(!JSON.stringify(out).includes(KEY.slice(0, 3)));
});
