// T4 extraction by a model, end to end below the service: the real router
// (OpenAI wire format) in front of a fake provider over HTTP on 127.0.0.1,
// the graph tier on SQLite, a ledger. The gate, the checks of the answer,
// the fallback to the rules, log first, and a forget racing a job.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { createRouter, type RouterConfig } from '../../router/api.ts';
import { startFakeOpenAI } from '../../router/testing/fake-openai.ts';
import { testInjector } from '../../router/testing/test-injector.ts';
import { memoryLedger } from '../../ledger/testing/memory-ledger.ts';
import type { Memory } from '../types.ts';
import { GraphTier } from './graph-tier.ts';
import { modelExtraction, type ExtractChat } from './model-extraction.ts';
import { sqliteDriver } from './sql-driver.ts';

const fake = await startFakeOpenAI();
after(() => fake.close());

const config: RouterConfig = {
  deployments: [{ id: 'extractor', provider: 'openai', model: 'extract-small', baseUrl: `${fake.origin}/v1`, price: { input: 0.1, output: 0.2 }, contextWindow: 32_000, capabilities: { tools: false, vision: false, json: true }, tier: 1, timeoutMs: 5_000 }],
  routes: [],
};

const TEXT = 'Priya Raman joined the chess club of Bank of America last week.';
const ANSWER = JSON.stringify({
  entities: [{ name: 'Priya Raman' }, { name: 'chess club' }, { name: 'Bank of America' }],
  relations: [{ subject: 'Priya Raman', relation: 'member_of', object: 'chess club' }, { subject: 'chess club', relation: 'part_of', object: 'Bank of America' }],
});

const memory = (partition: string, id: string, text = TEXT): Memory => ({ id, partition, kind: 'note', text, importance: 0.5, pinned: false, validFrom: 1, recordedAt: 1 });

function setup(options: { granted?: readonly string[]; chat?: ExtractChat } = {}) {
  const ledger = memoryLedger();
  const router = createRouter({ config, injector: testInjector({}), ledger });
  const tier = new GraphTier({ driver: sqliteDriver(new DatabaseSync(':memory:')) });
  const granted = new Set(options.granted ?? ['alice']);
  const fallbacks: string[] = [];
  const extraction = modelExtraction(tier, {
    gate: (partition) => (granted.has(partition) ? 'extractor' : undefined),
    chat: options.chat ?? (async (request) => router.chat(request, { agent: 'context', lineage: [] })),
    ledger: ledger.append,
    onFallback: (_p, _id, reason) => fallbacks.push(reason),
    limits: { maxEntities: 8, maxRelations: 8 },
  });
  tier.useExtraction(extraction);
  const memoryEntries = () => ledger.entries.filter((e) => e.kind === 'memory').map((e) => `${e.action}:${e.decision}`);
  const relations = async (p: string) => (await tier.edges(p, 'chess club')).map((e) => `${e.subject} -${e.relation}-> ${e.object}`).sort();
  return { tier, extraction, ledger, fallbacks, memoryEntries, relations };
}

test('a granted partition: the memory is indexed by the rules at once, then the model\'s checked answer replaces it; sent and outcome are ledgered', async () => {
  const t = setup();
  const before = fake.requests.length;
  fake.script({ kind: 'ok', text: ANSWER });
  await t.tier.add(memory('alice', 'm1'));
  // The rules' extraction is there before any model answered (works_at: "joined").
  assert.deepEqual((await t.tier.edges('alice', 'Priya Raman')).map((e) => e.relation), ['works_at']);
  await t.extraction.idle();
  assert.equal(fake.requests.length, before + 1);
  const sent = fake.requests.at(-1)!.body as { model: string; messages: { content: string }[]; response_format?: unknown };
  assert.equal(sent.model, 'extract-small');
  assert.deepEqual(sent.response_format, { type: 'json_object' });
  assert.match(sent.messages[1].content, /Priya Raman joined the chess club/);
  assert.deepEqual(await t.relations('alice'), ['chess club -part_of-> bank of america', 'priya raman -member_of-> chess club']);
  assert.deepEqual((await t.tier.edges('alice', 'Priya Raman')).map((e) => e.relation), ['member_of'], 'the rules\' rows were replaced');
  assert.deepEqual(t.memoryEntries(), ['memory.extract:allow', 'memory.extract.done:ok']);
  const sentEntry = t.ledger.entries.find((e) => e.action === 'memory.extract')!;
  assert.equal(sentEntry.target, 'memory:alice');
  assert.deepEqual(sentEntry.detail, { id: 'm1', deployment: 'extractor', bytes: Buffer.byteLength(TEXT) });
  // The search finds it through the model's relation.
  assert.deepEqual((await t.tier.search('alice', 'chess club', 5)).map((h) => h.id), ['m1']);
});

test('an ungranted partition sends nothing: the rules\' extraction only, no request, no ledger entry', async () => {
  const t = setup({ granted: ['alice'] });
  const before = fake.requests.length;
  await t.tier.add(memory('bob', 'm1'));
  await t.extraction.idle();
  assert.equal(fake.requests.length, before);
  assert.deepEqual(t.memoryEntries(), []);
  assert.deepEqual((await t.tier.edges('bob', 'Priya Raman')).map((e) => e.relation), ['works_at']);
  // A relate() memory states its edge: nothing to ask a model either.
  await t.tier.add({ ...memory('alice', 'r1', 'x'), relation: { from: 'a', relation: 'b', to: 'c' } });
  await t.extraction.idle();
  assert.equal(fake.requests.length, before);
});

test('hostile or malformed answers fall back to the rules for that memory, and say why; nothing reaches another partition', async () => {
  const cases: [string, RegExp][] = [
    [JSON.stringify({ ...JSON.parse(ANSWER), partition: 'bob' }), /unexpected key "partition"/],
    ['Sure! Here are the entities: Priya', /not JSON/],
    [JSON.stringify({ entities: Array.from({ length: 9 }, () => ({ name: 'Priya Raman' })), relations: [] }), /entities: 9 items, at most 8/],
    [JSON.stringify({ entities: [{ name: 'x'.repeat(300) }], relations: [] }), /longer than 200/],
  ];
  for (const [reply, why] of cases) {
    const t = setup();
    fake.script({ kind: 'ok', text: reply });
    await t.tier.add(memory('alice', 'm1'));
    await t.extraction.idle();
    assert.deepEqual((await t.tier.edges('alice', 'Priya Raman')).map((e) => e.relation), ['works_at'], `rules kept for ${why}`);
    assert.deepEqual(await t.tier.edges('bob', 'Priya Raman'), []);
    assert.deepEqual(t.memoryEntries(), ['memory.extract:allow', 'memory.extract.fallback:fallback']);
    assert.match(String(t.ledger.entries.at(-1)!.detail.reason), why);
    assert.match(t.fallbacks[0], why);
  }
});

test('a provider error falls back to the rules', async () => {
  const t = setup();
  fake.script({ kind: 'error', status: 400, message: 'bad request' });
  await t.tier.add(memory('alice', 'm1'));
  await t.extraction.idle();
  assert.deepEqual((await t.tier.edges('alice', 'Priya Raman')).map((e) => e.relation), ['works_at']);
  assert.match(t.fallbacks[0], /the model call failed/);
});

test('log first: a ledger that refuses the record means the text is not sent', async () => {
  const t = setup();
  const before = fake.requests.length;
  t.ledger.failNext(new Error('disk full'));
  await t.tier.add(memory('alice', 'm1'));
  await t.extraction.idle();
  assert.equal(fake.requests.length, before);
  assert.match(t.fallbacks[0], /not sent: the ledger refused the record \(disk full\)/);
});

test('a memory forgotten while the model thinks is not written back; its twin, left alone, is', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const t = setup({ chat: async () => { await gate; return { content: ANSWER }; } });
  await t.tier.add(memory('alice', 'gone'));
  await t.tier.add(memory('alice', 'kept', 'Priya Raman joined the chess club of Bank of America on Monday.'));
  await t.tier.remove('alice', 'gone');
  release();
  await t.extraction.idle();
  const edges = await t.tier.edges('alice', 'chess club');
  assert.deepEqual([...new Set(edges.map((e) => e.memoryId))], ['kept']);
});

test('a text longer than the model may be sent keeps the rules\' extraction, without a request', async () => {
  const t = setup();
  const before = fake.requests.length;
  await t.tier.add(memory('alice', 'big', `${TEXT} ${'filler words here. '.repeat(1000)}`));
  await t.extraction.idle();
  assert.equal(fake.requests.length, before);
  assert.match(t.fallbacks[0], /not sent: the text has more than 16384 characters/);
});

test('a bulk add past the queue: the first fill the queue, the rest keep the rules\' extraction, recorded once for the batch (no ledger flood)', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const ledger = memoryLedger();
  const tier = new GraphTier({ driver: sqliteDriver(new DatabaseSync(':memory:')) });
  let asked = 0;
  const extraction = modelExtraction(tier, {
    gate: () => 'extractor',
    chat: async () => { asked++; await gate; return { content: ANSWER }; },
    ledger: ledger.append,
    queueLimit: 3,
    concurrency: 1,
  });
  tier.useExtraction(extraction);
  await tier.addMany(Array.from({ length: 50 }, (_, i) => memory('alice', `b${i}`)));
  release();
  await extraction.idle();
  assert.equal(asked, 3, 'the three queued');
  const fallbacks = ledger.entries.filter((e) => e.action === 'memory.extract.fallback');
  assert.equal(fallbacks.length, 1);
  assert.equal(fallbacks[0].detail.count, 47);
  assert.match(String(fallbacks[0].detail.reason), /3 extractions are already waiting \(47 memories: b3, b4, b5, b6, b7, \.\.\.\)/);
  // The rules' extraction of every one is there.
  assert.equal((await tier.edges('alice', 'Priya Raman')).filter((e) => e.memoryId === 'b49').length, 1);
});
