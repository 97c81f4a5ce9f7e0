import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { collect } from '../../accumulate.ts';
import { isProviderError } from '../../provider-error.ts';
import { startFakeOpenAIResponses } from '../../testing/fake-openai-responses.ts';
import { conformance, KEY, OPENAI_ERRORS } from '../../testing/provider-conformance.ts';
import { testCall } from '../../testing/test-injector.ts';
import type { ChatRequest, StreamEvent } from '../../types.ts';
import { resolveProvider } from '../index.ts';
import { createOpenAIResponsesProvider } from './index.ts';

const provider = createOpenAIResponsesProvider();
const { fake, call } = conformance({
  provider,
  start: startFakeOpenAIResponses,
  baseUrl: (origin) => `${origin}/v1`,
  keyHeader: ['authorization', `Bearer ${KEY}`],
  errors: OPENAI_ERRORS,
});

// A server that replays one fixture file as the answer to any request.
let fixtureServer: http.Server;
let fixtureOrigin: string;
let fixture = '';
before(async () => {
  fixtureServer = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const text = readFileSync(new URL(`./fixtures/${fixture}`, import.meta.url), 'utf8');
      res.writeHead(200, { 'content-type': fixture.endsWith('.sse') ? 'text/event-stream' : 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => fixtureServer.listen(0, '127.0.0.1', resolve));
  fixtureOrigin = `http://127.0.0.1:${(fixtureServer.address() as AddressInfo).port}/v1`;
});
after(() => new Promise<void>((resolve) => fixtureServer.close(() => resolve())));

const conversation: ChatRequest = {
  model: 'x',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'weather here?' }, { type: 'image', url: 'data:image/png;base64,AAAA' }] },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
    { role: 'tool', toolCallId: 'call_1', content: 'rain' },
  ],
  tools: [{ name: 'get_weather', description: 'weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  toolChoice: { name: 'get_weather' },
  maxTokens: 50,
  temperature: 0.2,
  responseFormat: 'json',
};

test('openai-responses wire: path, input items, tools, tool_choice, limits, text.format, store false', async () => {
  await provider.chat(conversation, call());
  const req = fake().requests.at(-1)!;
  assert.equal(req.url, '/v1/responses');
  assert.equal(req.body.model, 'model-x');
  assert.equal(req.body.store, false);
  assert.equal(req.body.stream, undefined);
  assert.deepEqual(req.body.input, [
    { type: 'message', role: 'system', content: 'be brief' },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'weather here?' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA' }] },
    { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'rain' },
  ]);
  assert.deepEqual(req.body.tools, [{ type: 'function', name: 'get_weather', description: 'weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]);
  assert.deepEqual(req.body.tool_choice, { type: 'function', name: 'get_weather' });
  assert.equal(req.body.max_output_tokens, 50);
  assert.equal(req.body.temperature, 0.2);
  assert.deepEqual(req.body.text, { format: { type: 'json_object' } });
  await provider.stream(conversation, call()).then((s) => collect(s.events));
  const streamed = fake().requests.at(-1)!;
  assert.equal(streamed.body.stream, true);
  assert.equal(streamed.headers.accept, 'text/event-stream');
});

test('openai-responses: tool call after a reasoning item gets tool index 0; cached tokens; the provider table knows it', async () => {
  fake().script({ kind: 'ok', toolCall: { id: 'call_9', name: 'get_weather', arguments: '{"city":"Rome"}' }, cachedTokens: 7 });
  const events: StreamEvent[] = [];
  for await (const e of (await provider.stream(conversation, call())).events) events.push(e);
  const calls = events.filter((e) => e.type === 'tool_call');
  assert.ok(calls.every((e) => e.type === 'tool_call' && e.index === 0), JSON.stringify(calls));
  const done = events.at(-1)!;
  assert.ok(done.type === 'done');
  assert.equal(done.response.content, 'Let me check.');
  assert.deepEqual(done.response.toolCalls, [{ id: 'call_9', name: 'get_weather', arguments: '{"city":"Rome"}' }]);
  assert.equal(done.response.usage.cachedTokens, 7);
  assert.equal(done.response.id, 'resp_fake');
  const r = resolveProvider('openai-responses');
  assert.equal(r.provider.kind, 'openai-responses');
  assert.equal(r.defaultBaseUrl, 'https://api.openai.com/v1');
});

test('openai-responses fixture: arguments only on output_item.done, usage with cached tokens', async () => {
  fixture = 'stream-args-on-done.sse';
  const events: StreamEvent[] = [];
  for await (const e of (await provider.stream(conversation, testCall(fixtureOrigin, 'gpt-4.1'))).events) events.push(e);
  const done = events.at(-1)!;
  assert.ok(done.type === 'done');
  assert.deepEqual(done.response.toolCalls, [{ id: 'call_fx1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
  assert.equal(done.response.stopReason, 'tool_calls');
  assert.deepEqual(done.response.usage, { promptTokens: 291, completionTokens: 23, cachedTokens: 128 });
  assert.equal(done.response.model, 'gpt-4.1-2025-04-14');
});

test('openai-responses fixture: an error event after the first token is a typed, retryable error', async () => {
  fixture = 'stream-error-after-text.sse';
  const seen: StreamEvent[] = [];
  const error = await (async () => {
    for await (const e of (await provider.stream(conversation, testCall(fixtureOrigin, 'm'))).events) seen.push(e);
  })().catch((e: unknown) => e);
  assert.deepEqual(seen, [{ type: 'text', delta: 'Hel' }]);
  assert.ok(isProviderError(error) && error.kind === 'overloaded' && error.retryable, String(error));
});

test('openai-responses fixture: incomplete means length; failed is a typed error, not an answer', async () => {
  fixture = 'incomplete.json';
  const { response } = await provider.chat(conversation, testCall(fixtureOrigin, 'm'));
  assert.equal(response.stopReason, 'length');
  assert.equal(response.content, 'The answer is cut');
  fixture = 'failed.json';
  const error = await provider.chat(conversation, testCall(fixtureOrigin, 'm')).catch((e: unknown) => e);
  assert.ok(isProviderError(error) && error.kind === 'rate_limited', String(error));
});
