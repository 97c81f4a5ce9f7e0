import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAnthropic } from '../../testing/fake-anthropic.ts';
import { conformance, KEY } from '../../testing/provider-conformance.ts';
import { createAnthropicProvider } from './index.ts';
import { fromAnthropicRequest, toAnthropicRequest } from './convert.ts';
import type { ChatRequest } from '../../types.ts';

const provider = createAnthropicProvider();
const { fake, call } = conformance({
  provider,
  start: startFakeAnthropic,
  baseUrl: (origin) => origin,
  keyHeader: ['x-api-key', KEY],
  errors: [
    [{ kind: 'error', status: 429, retryAfter: '3' }, 'rate_limited'],
    [{ kind: 'error', status: 529 }, 'overloaded'],
    [{ kind: 'error', status: 500 }, 'server'],
    [{ kind: 'error', status: 401 }, 'auth'],
    [{ kind: 'error', status: 403 }, 'auth'],
    [{ kind: 'error', status: 400 }, 'bad_request'],
    [{ kind: 'error', status: 400, message: 'prompt is too long: 210000 tokens > 200000 maximum' }, 'context_length'],
    [{ kind: 'error', status: 413 }, 'context_length'],
  ],
});

const conversation: ChatRequest = {
  model: 'x',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image', url: 'data:image/png;base64,QUJD' }] },
    { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_1', name: 'look', arguments: '{"x":1}' }] },
    { role: 'tool', toolCallId: 'toolu_1', content: 'a cat' },
    { role: 'user', content: 'so?' },
  ],
  tools: [{ name: 'look', parameters: { type: 'object' } }],
  toolChoice: 'required',
};

test('anthropic wire: version header, system field, tool_result turns, image source, max_tokens', async () => {
  await provider.chat(conversation, call());
  const req = fake().requests.at(-1)!;
  assert.equal(req.url, '/v1/messages');
  assert.equal(req.headers['anthropic-version'], '2023-06-01');
  assert.equal(req.body.system, 'be brief');
  assert.equal(req.body.max_tokens, 4096);
  assert.deepEqual(req.body.messages[0].content[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QUJD' } });
  assert.deepEqual(req.body.messages[1].content, [{ type: 'tool_use', id: 'toolu_1', name: 'look', input: { x: 1 } }]);
  // The tool result and the next user text share one user turn (roles alternate).
  assert.deepEqual(req.body.messages[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a cat' }, { type: 'text', text: 'so?' }] });
  assert.deepEqual(req.body.tool_choice, { type: 'any' });
  assert.equal(req.body.tools[0].input_schema.type, 'object');
});

test('anthropic: cache reads count as prompt and cached tokens; ratelimit headers', async () => {
  const reset = new Date(Date.now() + 30_000).toISOString();
  fake().script({ kind: 'ok', promptTokens: 100, cachedTokens: 60, headers: { 'anthropic-ratelimit-requests-remaining': '7', 'anthropic-ratelimit-tokens-remaining': '5000', 'anthropic-ratelimit-requests-reset': reset } });
  const { response, rateLimit } = await provider.chat({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, call());
  assert.deepEqual(response.usage, { promptTokens: 100, completionTokens: 5, cachedTokens: 60 });
  assert.equal(rateLimit.remainingRequests, 7);
  assert.equal(rateLimit.remainingTokens, 5000);
  assert.ok(rateLimit.resetMs! > 20_000 && rateLimit.resetMs! <= 30_000);
});

test('anthropic: gateway round trip of the request shape', () => {
  const back = fromAnthropicRequest(toAnthropicRequest(conversation, 'm', false));
  assert.equal(back.messages[0].role, 'system');
  assert.deepEqual(back.messages.find((m) => m.role === 'tool'), { role: 'tool', toolCallId: 'toolu_1', content: 'a cat' });
  assert.deepEqual(back.messages.find((m) => m.toolCalls)?.toolCalls, [{ id: 'toolu_1', name: 'look', arguments: '{"x":1}' }]);
  assert.equal(back.toolChoice, 'required');
});
