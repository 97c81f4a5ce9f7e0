// The official `openai` npm client against the gateway: agent code written
// for the SDK must work unchanged. Skips (saying why) when the package is not
// installed; it is meant to be a devDependency.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createRouter } from '../router.ts';
import { startFakeOpenAI } from '../testing/fake-openai.ts';
import type { FakeProvider } from '../testing/fake-server.ts';
import { memoryLedger } from '../../ledger/testing/memory-ledger.ts';
import { testInjector } from '../testing/test-injector.ts';
import { createGatewayRoutes, serveGateway, type RunningGateway } from './server.ts';

function sdkMissing(): string | undefined {
  try {
    createRequire(import.meta.url).resolve('openai');
    return undefined;
  } catch {
    return 'the openai npm package is not installed (add it as a devDependency to run this test)';
  }
}
const skip = sdkMissing();
if (skip !== undefined) console.log(`# skipping openai SDK tests: ${skip}`);

let fake: FakeProvider;
let gw: RunningGateway;
before(async () => {
  if (skip !== undefined) return;
  fake = await startFakeOpenAI();
  const router = createRouter({
    config: { deployments: [{ id: 'oa', provider: 'openai', model: 'gpt-up', baseUrl: `${fake.origin}/v1`, credential: 'k', price: { input: 1, output: 1 }, contextWindow: 100_000, capabilities: { tools: true, vision: true, json: true }, tier: 2 }], routes: [] },
    injector: testInjector({ k: 'sk-upstream' }),
    ledger: memoryLedger(),
  });
  gw = await serveGateway(createGatewayRoutes({ router, authenticate: async (t) => (t === 'agent-token' ? { agent: 'a1', lineage: [] } : undefined) }), { port: 0 });
});
after(async () => {
  if (skip !== undefined) return;
  await gw.close();
  await fake.close();
});

async function client(apiKey = 'agent-token'): Promise<any> {
  const specifier = 'openai';
  const { default: OpenAI } = await import(specifier);
  return new OpenAI({ apiKey, baseURL: `${gw.address}/v1`, maxRetries: 0 });
}

test('openai SDK: chat.completions.create, plain and streamed, tools', { skip }, async () => {
  const openai = await client();
  const done = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'from the sdk' }] });
  assert.equal(done.choices[0].message.content, 'echo: from the sdk');
  fake.script({ kind: 'ok', text: 'a b c' });
  const stream = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'x' }], stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.equal(text, 'a b c');
  fake.script({ kind: 'ok', toolCall: { id: 'call_3', name: 'lookup', arguments: '{"q":"x"}' } });
  const tool = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }] });
  assert.equal(tool.choices[0].message.tool_calls[0].function.name, 'lookup');
});

test('openai SDK: responses, models, and a refused token', { skip }, async () => {
  const openai = await client();
  const r = await openai.responses.create({ model: 'auto', input: 'hello' });
  assert.equal(r.output_text, 'echo: hello');
  const models = await openai.models.list();
  assert.ok(models.data.some((m: { id: string }) => m.id === 'oa'));
  const bad = await client('wrong');
  await assert.rejects(bad.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'x' }] }), (e: { status: number }) => e.status === 401);
});
