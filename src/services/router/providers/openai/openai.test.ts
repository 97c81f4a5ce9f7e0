import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOpenAI } from '../../testing/fake-openai.ts';
import { conformance, KEY, OPENAI_ERRORS } from '../../testing/provider-conformance.ts';
import type { ChatRequest } from '../../types.ts';
import { createOpenAIProvider } from './index.ts';
import { parseDuration } from './errors.ts';

const provider = createOpenAIProvider('openai');
const { fake, call } = conformance({
  provider,
  start: startFakeOpenAI,
  baseUrl: (origin) => `${origin}/v1`,
  keyHeader: ['authorization', `Bearer ${KEY}`],
  errors: OPENAI_ERRORS,
});

const weather: ChatRequest = {
  model: 'x',
  messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'image', url: 'data:image/png;base64,AAAA' }] }],
  tools: [{ name: 'get_weather', description: 'weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  toolChoice: { name: 'get_weather' },
  maxTokens: 50,
  responseFormat: 'json',
};

test('openai wire: path, images, tools, tool_choice, limits, stream_options', async () => {
  await provider.chat(weather, call());
  const req = fake().requests.at(-1)!;
  assert.equal(req.url, '/v1/chat/completions');
  assert.equal(req.body.model, 'model-x');
  assert.deepEqual(req.body.messages[1].content[1], { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } });
  assert.equal(req.body.tools[0].function.name, 'get_weather');
  assert.deepEqual(req.body.tool_choice, { type: 'function', function: { name: 'get_weather' } });
  assert.equal(req.body.max_tokens, 50);
  assert.deepEqual(req.body.response_format, { type: 'json_object' });
  await provider.stream(weather, call()).then(async (s) => { for await (const _ of s.events); });
  assert.deepEqual(fake().requests.at(-1)!.body.stream_options, { include_usage: true });
});

test('openai: cached tokens and x-ratelimit-* headers', async () => {
  fake().script({ kind: 'ok', cachedTokens: 10, headers: { 'x-ratelimit-remaining-requests': '59', 'x-ratelimit-remaining-tokens': '1000', 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' } });
  const { response, rateLimit } = await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'hey' }] }, call());
  assert.equal(response.usage.cachedTokens, 10);
  assert.deepEqual(rateLimit, { remainingRequests: 59, remainingTokens: 1000, resetMs: 360_000, retryAfterMs: undefined });
  assert.equal(parseDuration('1h2m3.5s'), 3_723_500);
  assert.equal(parseDuration('20ms'), 20);
});

test('openai: embeddings in index order; presets add their headers; unknown preset refused', async () => {
  const out = await provider.embed!({ model: 'e', input: ['ab', 'abc'] }, call());
  assert.deepEqual(out.vectors.map((v) => v[0]), [2, 3]);
  await createOpenAIProvider('openrouter').chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, call());
  assert.equal(fake().requests.at(-1)!.headers['x-title'], 'OctantOS');
  assert.throws(() => createOpenAIProvider('nope'), /unknown OpenAI-compatible preset/);
});
