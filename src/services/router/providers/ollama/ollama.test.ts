import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOllama } from '../../testing/fake-ollama.ts';
import { conformance } from '../../testing/provider-conformance.ts';
import { createOllamaProvider } from './index.ts';

const provider = createOllamaProvider();
const { fake, call } = conformance({
  provider,
  start: startFakeOllama,
  baseUrl: (origin) => origin,
  keyHeader: ['authorization', ''],
  keyless: true,
  errors: [
    [{ kind: 'error', status: 404, message: "model 'nope' not found, try pulling it first" }, 'bad_request'],
    [{ kind: 'error', status: 500 }, 'server'],
    [{ kind: 'error', status: 503, message: 'server busy, please try again.  maximum pending requests exceeded' }, 'overloaded'],
    [{ kind: 'error', status: 429 }, 'rate_limited'],
  ],
});

test('ollama wire: stream false for plain calls, bare base64 images, options, tool_name', async () => {
  await provider.chat({
    model: 'x',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image', url: 'data:image/png;base64,QUJD' }] },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'look', arguments: '{"x":1}' }] },
      { role: 'tool', toolCallId: 'c1', content: 'a cat' },
    ],
    maxTokens: 10,
    temperature: 0,
    responseFormat: 'json',
  }, call());
  const req = fake().requests.at(-1)!;
  assert.equal(req.url, '/api/chat');
  assert.equal(req.body.stream, false);
  assert.deepEqual(req.body.messages[0], { role: 'user', content: 'see', images: ['QUJD'] });
  assert.deepEqual(req.body.messages[1].tool_calls, [{ function: { name: 'look', arguments: { x: 1 } } }]);
  assert.equal(req.body.messages[2].tool_name, 'look');
  assert.deepEqual(req.body.options, { num_predict: 10, temperature: 0 });
  assert.equal(req.body.format, 'json');
});

test('ollama embeddings via /api/embed', async () => {
  const out = await provider.embed!({ model: 'nomic', input: ['abc'] }, call());
  assert.deepEqual(out.vectors, [[3, 0.5]]);
});
