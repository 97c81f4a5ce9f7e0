// The router embedder against the real router and its gateway, with a fake
// OpenAI-compatible provider behind them on 127.0.0.1 (real HTTP both hops).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGatewayRoutes, createRouter, serveGateway, type Caller } from '../../router/api.ts';
import { startFakeOpenAI } from '../../router/testing/fake-openai.ts';
import type { FakeProvider } from '../../router/testing/fake-server.ts';
import { testInjector } from '../../router/testing/test-injector.ts';
import { memoryLedger } from '../../ledger/testing/memory-ledger.ts';
import { embeddingsEndpoint, routerEmbedder, viaRouter } from './router-embedder.ts';

const TOKEN = 'gw-token-memory-agent';
const caller: Caller = { agent: 'memory-agent', lineage: [] };
let fake: FakeProvider;
let router: ReturnType<typeof createRouter>;
let gateway: Awaited<ReturnType<typeof serveGateway>>;

before(async () => {
  fake = await startFakeOpenAI();
  router = createRouter({
    config: {
      deployments: [{ id: 'emb', provider: 'openai', kind: 'embedding', model: 'emb-up', baseUrl: `${fake.origin}/v1`, credential: 'oa-key', price: { input: 0.1, output: 0 }, contextWindow: 8_000, capabilities: { tools: false, vision: false, json: false }, tier: 1 }],
      routes: [],
    },
    injector: testInjector({ 'oa-key': 'sk-upstream' }),
    ledger: memoryLedger(),
  });
  gateway = await serveGateway(createGatewayRoutes({ router, authenticate: async (token) => (token === TOKEN ? caller : undefined) }), { port: 0 });
});
after(async () => {
  await gateway.close();
  router.close();
  await fake.close();
});

// The fake provider's vector of a text: [length, char-code sum / 1000, 1].
const expected = (s: string): number[] => {
  const raw = [s.length, [...s].reduce((a, c) => a + c.charCodeAt(0), 0) / 1000, 1];
  const norm = Math.hypot(...raw);
  return raw.map((x) => x / norm);
};
function close(actual: Float32Array[], wanted: number[][]): void {
  assert.equal(actual.length, wanted.length);
  actual.forEach((v, i) => {
    assert.equal(v.length, wanted[i].length);
    v.forEach((x, j) => assert.ok(Math.abs(x - wanted[i][j]) < 1e-6, `vector ${i}[${j}]: ${x} vs ${wanted[i][j]}`));
  });
}

test('refused unless the manifest names the deployment as its remote embedder (E_MEMORY_EGRESS): nothing is sent', async () => {
  const sent = fake.requests.length;
  const transport = viaRouter(router, caller);
  assert.throws(() => routerEmbedder({ model: 'emb', allowed: undefined, dims: 3, transport }), (e: Error & { code?: string }) => e.code === 'E_MEMORY_EGRESS' && /is not set/.test(e.message));
  assert.throws(() => routerEmbedder({ model: 'emb', allowed: 'other-emb', dims: 3, transport }), (e: Error & { code?: string }) => e.code === 'E_MEMORY_EGRESS' && /names 'other-emb'/.test(e.message));
  assert.equal(fake.requests.length, sent, 'no request reached the provider');
});

test('allowed: through the router service API, vectors in order and normalized; the provider got the texts', async () => {
  const embedder = routerEmbedder({ model: 'emb', allowed: 'emb', dims: 3, transport: viaRouter(router, caller), batch: 2 });
  assert.equal(embedder.id, 'router:emb:3');
  const texts = ['alpha', 'be', 'gamma ray', 'd'];
  const vectors = await embedder.embed(texts);
  close(vectors, texts.map(expected));
  const last = fake.requests.at(-1)!;
  assert.equal(last.url, '/v1/embeddings');
  assert.deepEqual(last.body.input, ['gamma ray', 'd'], 'batches of two');
  assert.equal(last.headers.authorization, 'Bearer sk-upstream');
});

test('allowed: through the gateway\'s /v1/embeddings with the agent token (OpenAI wire format)', async () => {
  const embedder = routerEmbedder({ model: 'emb', allowed: 'emb', dims: 3, transport: embeddingsEndpoint({ baseUrl: `${gateway.address}/v1`, token: TOKEN }) });
  const vectors = await embedder.embed(['over the gateway', 'x']);
  close(vectors, ['over the gateway', 'x'].map(expected));
  // The agent's token never reaches the provider.
  assert.ok(!JSON.stringify(fake.requests.at(-1)).includes(TOKEN));
});

test('errors name what went wrong: a bad token, a vector of the wrong size', async () => {
  const bad = routerEmbedder({ model: 'emb', allowed: 'emb', dims: 3, transport: embeddingsEndpoint({ baseUrl: `${gateway.address}/v1`, token: 'wrong' }) });
  await assert.rejects(bad.embed(['x']), (e: Error & { code?: string }) => e.code === 'E_MEMORY_EMBEDDER' && /HTTP 401/.test(e.message));
  const wrongSize = routerEmbedder({ model: 'emb', allowed: 'emb', dims: 8, transport: viaRouter(router, caller) });
  await assert.rejects(wrongSize.embed(['x']), /3 dimensions, expected 8/);
});
