// The two keys of T4 extraction by a model: the operator's configured
// deployment and the agent's manifest grant naming the same one. Each
// missing or mismatched key sends nothing; the twin with both sends.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { createRouter, type RouterConfig } from '../router/api.ts';
import { startFakeOpenAI } from '../router/testing/fake-openai.ts';
import { testInjector } from '../router/testing/test-injector.ts';
import { memoryLedger } from '../ledger/testing/memory-ledger.ts';
import { validateConfig } from '../../runtime/config-schema.ts';
import { EXTRACTOR_CONFIG, extractionGate } from './extraction-gate.ts';
import { GraphTier } from './graph/graph-tier.ts';
import { sqliteDriver } from './graph/sql-driver.ts';
import type { Memory } from './types.ts';

const fake = await startFakeOpenAI();
after(() => fake.close());
const routerConfig: RouterConfig = {
  deployments: [{ id: 'extractor', provider: 'openai', model: 'extract-small', baseUrl: `${fake.origin}/v1`, price: { input: 0.1, output: 0.2 }, contextWindow: 32_000, capabilities: { tools: false, vision: false, json: true }, tier: 1, timeoutMs: 5_000 }],
  routes: [],
};
const actor = { agent: 'agt_1', lineage: [] };
let n = 0;
const note = (partition: string): Memory => ({ id: `m${++n}`, partition, kind: 'note', text: `Ada Lovelace wrote note ${n}.`, importance: 0.5, pinned: false, validFrom: 1, recordedAt: 1 });

function setup(deployment: string) {
  const ledger = memoryLedger();
  const router = createRouter({ config: routerConfig, injector: testInjector({}), ledger });
  const t4 = new GraphTier({ driver: sqliteDriver(new DatabaseSync(':memory:')) });
  const gate = extractionGate({
    config: validateConfig(EXTRACTOR_CONFIG, { deployment }, 'services.context.extractor', 'octant.yaml'),
    t4, chat: (request, caller) => router.chat(request, caller), vault: { issueToken: async () => assert.fail('no credentials configured') }, ledger: ledger.append, log: () => undefined,
  });
  /** Add a memory of `partition`; how many requests reached the model (whatever it answers: the checks are model-extraction.test.ts's). */
  const sends = async (partition: string): Promise<number> => {
    const before = fake.requests.length;
    await t4.add(note(partition));
    await gate.idle();
    return fake.requests.length - before;
  };
  return { gate, ledger, sends };
}

test('no configured deployment: a manifest grant alone sends nothing', async () => {
  const t = setup('');
  await t.gate.attach('ada', 'extractor', actor);
  assert.equal(await t.sends('ada'), 0);
  const entry = t.ledger.entries.find((e) => e.action === 'memory.extractor');
  assert.equal(entry?.decision, 'info');
  assert.equal(entry?.detail.inForce, false);
});

test('a configured deployment: only the partition whose manifest names it sends; another name, or none, sends nothing', async () => {
  const t = setup('extractor');
  await t.gate.attach('ada', 'extractor', actor);
  await t.gate.attach('bea', 'other-model', actor);
  assert.equal(await t.sends('ada'), 1);
  assert.equal(await t.sends('bea'), 0);
  assert.equal(await t.sends('cid'), 0);
  assert.deepEqual(t.ledger.entries.filter((e) => e.action === 'memory.extractor').map((e) => `${e.target}:${e.decision}`), ['memory:ada:allow', 'memory:bea:info']);
  // The grant withdrawn at the agent's next start: closed again, and recorded.
  await t.gate.attach('ada', undefined, actor);
  assert.equal(await t.sends('ada'), 0);
  assert.equal(t.ledger.entries.filter((e) => e.action === 'memory.extractor').at(-1)?.detail.before, 'extractor');
  await t.gate.close();
});
