import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeGemini } from '../../testing/fake-gemini.ts';
import { conformance, KEY } from '../../testing/provider-conformance.ts';
import type { ChatRequest } from '../../types.ts';
import { createGeminiProvider } from './index.ts';

const provider = createGeminiProvider();
const { fake, call } = conformance({
  provider,
  start: startFakeGemini,
  baseUrl: (origin) => `${origin}/v1beta`,
  keyHeader: ['x-goog-api-key', KEY],
  errors: [
    [{ kind: 'error', status: 429, retryAfter: '5' }, 'rate_limited'],
    [{ kind: 'error', status: 503 }, 'overloaded'],
    [{ kind: 'error', status: 500 }, 'server'],
    [{ kind: 'error', status: 504 }, 'timeout'],
    [{ kind: 'error', status: 403 }, 'auth'],
    [{ kind: 'error', status: 400, code: 'API_KEY_INVALID', message: 'API key not valid. Please pass a valid API key.' }, 'auth'],
    [{ kind: 'error', status: 400 }, 'bad_request'],
    [{ kind: 'error', status: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).' }, 'context_length'],
  ],
});

const conversation: ChatRequest = {
  model: 'x',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image', url: 'data:image/jpeg;base64,QUJD' }] },
    { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'look', arguments: '{"x":1}' }] },
    { role: 'tool', toolCallId: 'c1', content: 'a cat' },
  ],
  tools: [{ name: 'look', parameters: { type: 'object' } }],
  toolChoice: { name: 'look' },
  maxTokens: 64,
  responseFormat: 'json',
};

test('gemini wire: URL shape, systemInstruction, model role, functionResponse by name, generationConfig', async () => {
  await provider.chat(conversation, call());
  const req = fake().requests.at(-1)!;
  assert.equal(req.url, '/v1beta/models/model-x:generateContent');
  assert.ok(!req.url.includes('key='));
  assert.deepEqual(req.body.systemInstruction, { parts: [{ text: 'be brief' }] });
  assert.deepEqual(req.body.contents[0].parts[1], { inlineData: { mimeType: 'image/jpeg', data: 'QUJD' } });
  assert.deepEqual(req.body.contents[1], { role: 'model', parts: [{ functionCall: { name: 'look', args: { x: 1 } } }] });
  assert.deepEqual(req.body.contents[2], { role: 'user', parts: [{ functionResponse: { name: 'look', response: { content: 'a cat' } } }] });
  assert.deepEqual(req.body.toolConfig, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['look'] } });
  assert.deepEqual(req.body.generationConfig, { maxOutputTokens: 64, responseMimeType: 'application/json' });
});

test('gemini stream uses alt=sse on streamGenerateContent', async () => {
  for await (const _ of (await provider.stream({ model: 'x', messages: [{ role: 'user', content: 'x' }] }, call())).events);
  assert.equal(fake().requests.at(-1)!.url, '/v1beta/models/model-x:streamGenerateContent?alt=sse');
});
