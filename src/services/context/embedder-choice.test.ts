// T3's embedder per partition, through the real context core, store, recall
// tiers and router, with fake OpenAI-compatible providers on 127.0.0.1
// (real HTTP): which embedder a partition uses, what reaches a provider,
// re-embedding when the choice changes, failing closed, forgetting during a
// re-embed, and the router's exact-deployment calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createRouter, type Caller } from '../router/api.ts';
import { startFakeOpenAI } from '../router/testing/fake-openai.ts';
import type { FakeProvider } from '../router/testing/fake-server.ts';
import { testInjector } from '../router/testing/test-injector.ts';
import { memoryLedger, type MemoryLedger } from '../ledger/testing/memory-ledger.ts';
import type { ContextApi } from './context-api.ts';
import { createContext } from './context.ts';
import { embedderChoice } from './embedder-choice.ts';
import { openRecallTiers, type RecallTiers } from './recall-tiers.ts';
import { sharingRegistry } from './sharing.ts';
import { createContextStore } from './store/context-store.ts';
import type { ContextStoreApi } from './types.ts';
import type { EmbedTransport } from './vectors/router-embedder.ts';

const root = mkdtempSync(join(tmpdir(), 'octant-embedder-choice-'));
let fake: FakeProvider;
let flaky: FakeProvider;
let router: ReturnType<typeof createRouter>;
const deployment = (id: string, origin: string, kind: 'chat' | 'embedding' = 'embedding') => ({ id, provider: 'openai', kind, model: `${id}-up`, baseUrl: `${origin}/v1`, credential: 'oa-key', price: { input: 0.1, output: 0 }, contextWindow: 8_000, capabilities: { tools: false, vision: false, json: false }, tier: 1 as const });

const keys = testInjector({ 'oa-key': 'sk-upstream' });

before(async () => {
  fake = await startFakeOpenAI();
  flaky = await startFakeOpenAI();
  router = createRouter({
    config: {
      deployments: [deployment('emb', fake.origin), deployment('flaky', flaky.origin), deployment('chatty', fake.origin, 'chat')],
      // A route that would fail 'flaky' over to 'emb': memory must never take it.
      routes: [{ name: 'spare', deployments: ['flaky', 'emb'], policy: 'ordered' }],
    },
    // Like the vault's injector: a credentialed deployment's key only for an agent's token (tokens here: 'vt-<agent>').
    injector: { ...keys, inject: async (grant, request, hint, caller) => {
      if (caller.vaultToken !== `vt-${caller.agent.replace(/^aid-/, '')}`) throw new Error(`agent ${caller.agent} presented no vault token`);
      return keys.inject(grant, request, hint, caller);
    } },
    ledger: memoryLedger(),
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxWaitMs: 0 },
  });
});
after(async () => {
  router.close();
  await fake.close();
  await flaky.close();
  rmSync(root, { recursive: true, force: true });
});

interface Rig { context: ContextApi; store: ContextStoreApi; recall: RecallTiers; ledger: MemoryLedger; file: string; close(): Promise<void> }

async function rig(name: string): Promise<Rig> {
  const dir = join(root, name);
  mkdirSync(dir);
  const file = join(dir, 'tiers.sqlite');
  const recall = await openRecallTiers({ file, memoryDir: dir });
  const store = createContextStore({ dir, tiers: recall.tiers, fuse: recall.fuse });
  const ledger = memoryLedger();
  const context = createContext({ store, redact: async (t) => t, ledger: ledger.append, sharing: sharingRegistry(join(dir, 'sharing.json'), ledger.append), embedders: embedderChoice(recall.embedders, router) });
  return { context, store, recall, ledger, file, close: async () => { await store.close(); await recall.close(); } };
}

const actor = (agent: string) => ({ agent: `aid-${agent}`, lineage: [] });
const token = (agent: string) => ({ vaultToken: `vt-${agent}` });
/** Every text any embeddings request carried to a fake provider. */
const sentTo = (provider: FakeProvider): string[] => provider.requests.filter((r) => r.url.endsWith('/embeddings')).flatMap((r) => r.body.input as string[]);
/** The embedders of a partition's stored vectors, and their sizes in bytes. */
function stored(file: string, partition: string): { embedder: string; bytes: number }[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare('SELECT embedder, length(vec) AS bytes FROM t3_vectors WHERE partition = ? ORDER BY id').all(partition).map((r) => ({ embedder: String(r.embedder), bytes: Number(r.bytes) }));
  } finally {
    db.close();
  }
}
/** A grant whose transport waits for `gate` before calling the router (a re-embed caught in the middle). */
function gated(gate: Promise<void>, caller: Caller): { deployment: string; transport: EmbedTransport } {
  return { deployment: 'emb', transport: async (model, input) => { await gate; return (await router.embed({ model, input }, { ...caller, vaultToken: `vt-${caller.agent.replace(/^aid-/, '')}` }, { exactDeployment: true })).vectors; } };
}

test('a manifest that grants a remote embedder: its memory and its own queries go to exactly that deployment; a partition without the grant sends nothing and recalls through the built-in one', async () => {
  const r = await rig('grant');
  try {
    await r.context.attach('alpha', { shareWith: [], remoteEmbedder: 'emb' }, actor('alpha'), token('alpha'));
    await r.context.attach('beta', { shareWith: [] }, actor('beta'));
    await r.context.put('alpha', { text: 'Alpha keeps the harbour ledger in the blue cabinet.' });
    await r.context.put('beta', { text: 'Beta hides the zebra key under the third stair.' });
    await r.recall.embedders.settled('alpha');
    assert.ok(sentTo(fake).includes('Alpha keeps the harbour ledger in the blue cabinet.'));
    assert.ok(!sentTo(fake).some((t) => t.includes('zebra')) && !sentTo(flaky).some((t) => t.includes('zebra')), 'no text of beta reached any provider');
    assert.equal(r.recall.embedders.identity('alpha').current, 'router:emb:3');
    assert.equal(r.recall.embedders.identity('beta').current, 'hashed-v1-256');

    // Alpha's own query is embedded by its deployment, and T3 answers.
    const mine = await r.context.recall('alpha', 'Alpha keeps the harbour ledger in the blue cabinet.', 5, 'alpha');
    assert.deepEqual(mine.skipped, []);
    assert.ok(mine.hits[0].tiers.includes('t3'));
    assert.deepEqual(fake.requests.at(-1)!.body.input, ['Alpha keeps the harbour ledger in the blue cabinet.']);
    // Beta recalls through the built-in embedder; still nothing of it sent.
    const theirs = await r.context.recall('beta', 'zebra key stair', 5, 'beta');
    assert.ok(theirs.hits[0].tiers.includes('t3'));
    assert.ok(!sentTo(fake).some((t) => t.includes('zebra')));

    // Another reader of alpha's partition (or the operator) never has its query sent on alpha's grant.
    const before = fake.requests.length;
    for (const reader of ['beta', undefined]) {
      const other = await r.context.recall('alpha', 'harbour ledger cabinet', 5, reader);
      assert.equal(other.skipped[0].tier, 't3');
      assert.match(other.skipped[0].reason, /only alpha's own searches/);
      assert.ok(other.hits.length > 0 && !other.hits[0].tiers.includes('t3'), 'T2 still answers');
    }
    assert.equal(fake.requests.length, before);

    // The agent's own token carries the credential: a grant presented without it sends nothing.
    const sentNow = fake.requests.length;
    await r.context.attach('omega', { shareWith: [], remoteEmbedder: 'emb' }, actor('omega'));
    await r.context.put('omega', { text: 'Omega has no token for the credential.' });
    await r.recall.embedders.settled('omega');
    assert.equal(fake.requests.length, sentNow);
    assert.equal(r.recall.embedders.identity('omega').current, 'hashed-v1-256', 'the re-embed failed: the old (empty) space stays');

    // Log first: the new destination is in the ledger, by the agent, before it is used.
    const change = r.ledger.entries.find((e) => e.action === 'memory.embedder');
    assert.deepEqual([change?.target, change?.agent, change?.detail], ['memory:alpha', 'aid-alpha', { from: 'default', to: 'router:emb' }]);
    assert.deepEqual(r.ledger.entries.filter((e) => e.action === 'memory.embedder').map((e) => e.target), ['memory:alpha', 'memory:omega'], 'beta chose nothing new');
    assert.ok(!JSON.stringify(r.ledger.entries).includes('vt-'), 'no token in the ledger');
  } finally {
    await r.close();
  }
});

test('a changed choice re-embeds in the background: the old vectors answer meanwhile, then only the new ones; sizes never mixed; back again', async () => {
  const r = await rig('change');
  try {
    await r.context.attach('gamma', { shareWith: [] }, actor('gamma'));
    const texts = ['The kiln in the north shed fires at 1200 degrees.', 'Orchard rows are pruned every March.', 'The ferry to Skye leaves at dawn.'];
    for (const text of texts) await r.context.put('gamma', { text });
    assert.deepEqual(stored(r.file, 'gamma').map((v) => v.bytes), [1024, 1024, 1024]);

    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    r.recall.embedders.select('gamma', gated(gate, { agent: 'aid-gamma', lineage: [] }));
    assert.equal(r.recall.embedders.identity('gamma').reembedding, true);
    const meanwhile = await r.context.recall('gamma', 'kiln north shed degrees', 3, 'gamma');
    assert.ok(meanwhile.hits[0].tiers.includes('t3'), 'the built-in vectors still answer');
    assert.equal(r.recall.embedders.identity('gamma').current, 'hashed-v1-256');
    open();
    await r.recall.embedders.settled('gamma');
    assert.equal(r.recall.embedders.identity('gamma').current, 'router:emb:3');
    assert.deepEqual(stored(r.file, 'gamma'), texts.map(() => ({ embedder: 'router:emb:3', bytes: 12 })), 'every vector replaced, one size');
    const after = await r.context.recall('gamma', texts[1], 3, 'gamma');
    assert.equal(after.hits[0].memory.text, texts[1]);
    assert.ok(after.hits[0].tiers.includes('t3'));

    // The grant withdrawn (the agent starts with a manifest without it): T3 is skipped until re-embedded locally, never mixed.
    r.recall.embedders.select('gamma', undefined);
    await r.recall.embedders.settled('gamma');
    assert.deepEqual(stored(r.file, 'gamma').map((v) => v.embedder), texts.map(() => 'hashed-v1-256'));
    const local = await r.context.recall('gamma', 'ferry Skye dawn', 3, 'gamma');
    assert.deepEqual(local.skipped, []);
    assert.ok(local.hits[0].tiers.includes('t3'));
  } finally {
    await r.close();
  }
});

test('fail closed: a remote embedder that fails skips T3 for that recall (said so), T2 answers, nothing goes to another provider; a put still succeeds', async () => {
  const r = await rig('closed');
  try {
    await r.context.attach('delta', { shareWith: [], remoteEmbedder: 'flaky' }, actor('delta'), token('delta'));
    await r.context.put('delta', { text: 'Delta stores the spare oars in the boathouse loft.' });
    await r.recall.embedders.settled('delta');
    assert.equal(r.recall.embedders.identity('delta').current, 'router:flaky:3');
    const sentBefore = sentTo(fake).length;
    await flaky.close();
    const put = await r.context.put('delta', { text: 'Delta painted the boathouse door green.' });
    assert.equal(put.outcome, 'created');
    const answer = await r.context.recall('delta', 'boathouse oars loft', 5, 'delta');
    assert.equal(answer.skipped[0].tier, 't3');
    assert.match(answer.skipped[0].reason, /router:flaky:3 failed/);
    assert.ok(answer.hits.some((h) => h.memory.text.includes('spare oars')), 'T2 answers');
    assert.equal(sentTo(fake).length, sentBefore, 'no failover of memory text to another deployment');
  } finally {
    await r.close();
  }
});

test('a forget during a re-embed: the forgotten memory is never staged nor stored in the new space', async () => {
  const r = await rig('forget');
  try {
    const keep = await r.context.put('eps', { text: 'The lighthouse lamp is cleaned on Fridays.' });
    const gone = await r.context.put('eps', { text: 'The safe behind the painting opens with 4471.' });
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    r.recall.embedders.select('eps', gated(gate, { agent: 'aid-eps', lineage: [] }));
    assert.equal(await r.context.forget('eps', { id: gone.memory.id }), 1);
    open();
    await r.recall.embedders.settled('eps');
    assert.equal(r.recall.embedders.identity('eps').current, 'router:emb:3');
    const db = new DatabaseSync(r.file, { readOnly: true });
    try {
      assert.deepEqual(db.prepare("SELECT id FROM t3_vectors WHERE partition = 'eps'").all().map((x) => x.id), [keep.memory.id]);
      assert.equal(db.prepare("SELECT count(*) AS n FROM t3_staging WHERE partition = 'eps'").get()!.n, 0);
    } finally {
      db.close();
    }
  } finally {
    await r.close();
  }
});

test('the router\'s exact-deployment embed: only that embedding deployment, never a route, a chat deployment or an unknown id; its twin resolves routes', async () => {
  const caller: Caller = { agent: 'x', lineage: [], vaultToken: 'vt-x' };
  const refused = (model: string) => assert.rejects(router.embed({ model, input: ['t'] }, caller, { exactDeployment: true }), (e: Error & { code?: string }) => e.code === 'E_ROUTER_UNAVAILABLE' && e.message.includes(`'${model}'`));
  const sent = fake.requests.length;
  await refused('spare');
  await refused('chatty');
  await refused('nowhere');
  assert.equal(fake.requests.length, sent);
  assert.equal((await router.embed({ model: 'emb', input: ['t'] }, caller, { exactDeployment: true })).vectors.length, 1);
  // Without it, a route name resolves (and fails 'flaky' over to 'emb'): what memory must not do.
  assert.equal((await router.embed({ model: 'spare', input: ['t'] }, caller)).vectors.length, 1);
});
