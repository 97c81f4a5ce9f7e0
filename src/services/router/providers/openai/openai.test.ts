import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { collect } from '../../accumulate.ts';
import { isProviderError } from '../../provider-error.ts';
import { startFakeOpenAI } from '../../testing/fake-openai.ts';
import type { FakeProvider } from '../../testing/fake-server.ts';
import { testCall } from '../../testing/test-injector.ts';
import type { ChatRequest, StreamEvent } from '../../types.ts';
import { createOpenAIProvider } from './index.ts';
import { parseDuration } from './errors.ts';

let fake: FakeProvider;
before(async () => (fake = await startFakeOpenAI()));
after(() => fake.close());

const provider = createOpenAIProvider('openai');
const call = () => testCall(`${fake.origin}/v1`, 'gpt-test');
const weather: ChatRequest = {
  model: 'x',
  messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'image', url: 'data:image/png;base64,AAAA' }] }],
  tools: [{ name: 'get_weather', description: 'weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  toolChoice: { name: 'get_weather' },
  maxTokens: 50,
  responseFormat: 'json',
};

test('request mapping: messages, images, tools, tool_choice, limits; key only in the header', async () => {
  fake.script({ kind: 'ok', text: 'hi' });
  await provider.chat(weather, call());
  const req = fake.requests.at(-1)!;
  assert.equal(req.url, '/v1/chat/completions');
  assert.equal(req.headers.authorization, 'Bearer sk-test-123');
  assert.ok(!req.url.includes('sk-test'), 'the key must never be in the URL');
  assert.equal(req.body.model, 'gpt-test');
  assert.deepEqual(req.body.messages[1].content[1], { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } });
  assert.deepEqual(req.body.tools[0].function.name, 'get_weather');
  assert.deepEqual(req.body.tool_choice, { type: 'function', function: { name: 'get_weather' } });
  assert.equal(req.body.max_tokens, 50);
  assert.deepEqual(req.body.response_format, { type: 'json_object' });
});

test('response mapping: text, usage with cached tokens, rate-limit headers', async () => {
  fake.script({ kind: 'ok', text: 'hello there', promptTokens: 30, completionTokens: 4, cachedTokens: 10, headers: { 'x-ratelimit-remaining-requests': '59', 'x-ratelimit-remaining-tokens': '1000', 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' } });
  const { response, rateLimit } = await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'hey' }] }, call());
  assert.equal(response.content, 'hello there');
  assert.equal(response.stopReason, 'stop');
  assert.deepEqual(response.usage, { promptTokens: 30, completionTokens: 4, cachedTokens: 10 });
  assert.equal(rateLimit.remainingRequests, 59);
  assert.equal(rateLimit.remainingTokens, 1000);
  assert.equal(rateLimit.resetMs, 360_000);
});

test('tool calls, plain and streamed, come back normalised', async () => {
  fake.script({ kind: 'ok', toolCall: { id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' } });
  const { response } = await provider.chat(weather, call());
  assert.equal(response.stopReason, 'tool_calls');
  assert.deepEqual(response.toolCalls, [{ id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' }]);
  fake.script({ kind: 'ok', toolCall: { id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' } });
  const streamed = await collect((await provider.stream(weather, call())).events);
  assert.deepEqual(streamed.toolCalls, response.toolCalls);
  assert.equal(streamed.stopReason, 'tool_calls');
});

test('streaming: SSE deltas, usage chunk, [DONE]', async () => {
  fake.script({ kind: 'ok', text: 'one two three' });
  const { events } = await provider.stream({ model: 'x', messages: [{ role: 'user', content: 'count' }] }, call());
  const seen: StreamEvent[] = [];
  for await (const e of events) seen.push(e);
  assert.deepEqual(seen.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta), ['one ', 'two ', 'three']);
  const done = seen.at(-1)!;
  assert.equal(done.type, 'done');
  if (done.type === 'done') {
    assert.equal(done.response.content, 'one two three');
    assert.equal(done.response.usage.promptTokens, 12);
  }
  assert.equal(fake.requests.at(-1)!.body.stream_options.include_usage, true);
});

test('errors map to typed kinds that know if they are retryable', async () => {
  const cases: [Parameters<FakeProvider['script']>[0], string, boolean][] = [
    [{ kind: 'error', status: 429, retryAfter: '2' }, 'rate_limited', true],
    [{ kind: 'error', status: 503 }, 'overloaded', true],
    [{ kind: 'error', status: 500 }, 'server', true],
    [{ kind: 'error', status: 401 }, 'auth', false],
    [{ kind: 'error', status: 400 }, 'bad_request', false],
    [{ kind: 'error', status: 400, code: 'context_length_exceeded' }, 'context_length', false],
    [{ kind: 'malformed' }, 'protocol', true],
  ];
  for (const [step, kind, retryable] of cases) {
    fake.script(step);
    const error = await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, call()).then(() => undefined, (e: unknown) => e);
    assert.ok(isProviderError(error), `${kind}: got ${String(error)}`);
    assert.equal(error.kind, kind);
    assert.equal(error.retryable, retryable);
    if (kind === 'rate_limited') assert.equal(error.retryAfterMs, 2000);
  }
});

test('timeouts, refused connections, truncated and malformed streams', async () => {
  fake.script({ kind: 'hang' });
  const slow = await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, testCall(`${fake.origin}/v1`, 'm', 'k', 200)).catch((e: unknown) => e);
  assert.ok(isProviderError(slow) && slow.kind === 'timeout', String(slow));
  const refused = await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, testCall('http://127.0.0.1:1/v1', 'm')).catch((e: unknown) => e);
  assert.ok(isProviderError(refused) && refused.kind === 'network', String(refused));
  fake.script({ kind: 'truncate', text: 'partial answer here' });
  const cut = await collect((await provider.stream({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, call())).events).catch((e: unknown) => e);
  assert.ok(isProviderError(cut) && (cut.kind === 'network' || cut.kind === 'protocol') && cut.retryable, String(cut));
  fake.script({ kind: 'malformed' });
  const bad = await collect((await provider.stream({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, call())).events).catch((e: unknown) => e);
  assert.ok(isProviderError(bad) && bad.kind === 'protocol', String(bad));
});

test('embeddings and presets', async () => {
  const out = await provider.embed!({ model: 'e', input: ['ab', 'abc'] }, call());
  assert.equal(out.vectors.length, 2);
  assert.equal(out.vectors[1][0], 3);
  const groq = createOpenAIProvider('openrouter');
  await groq.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, call());
  assert.equal(fake.requests.at(-1)!.headers['x-title'], 'OctantOS');
  assert.throws(() => createOpenAIProvider('nope'), /unknown OpenAI-compatible preset/);
  assert.equal(parseDuration('1h2m3.5s'), 3_723_500);
  assert.equal(parseDuration('20ms'), 20);
});
