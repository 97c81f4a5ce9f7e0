// The store end to end over real SQLite files: put/get through T0 and T1,
// the temporal model, T2 search, pinned facts, partitions.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { isOctantError } from '../../../lib/errors.ts';
import { createContextStore } from './context-store.ts';

const root = mkdtempSync(join(tmpdir(), 'octant-memory-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A store on a fresh directory with a clock the test sets. */
function fresh(start = 1_000_000) {
  const clock = { t: start };
  const dir = join(root, `s${n++}`);
  return { store: createContextStore({ dir, now: () => clock.t }), clock, dir };
}

test('put then get returns the memory, from T1 after a reopen too', async () => {
  const { store, dir } = fresh();
  const { memory, outcome } = await store.put('alice', { kind: 'note', text: 'The deploy key lives in the vault', tags: ['ops'] });
  assert.equal(outcome, 'created');
  assert.deepEqual(store.get('alice', memory.id), memory);
  assert.equal(memory.partition, 'alice');
  assert.deepEqual(memory.tags, ['ops']);
  await store.close();
  const again = createContextStore({ dir });
  assert.deepEqual(again.get('alice', memory.id), memory);
  assert.equal(again.get('bob', memory.id), undefined, 'another partition does not see it');
  assert.deepEqual(again.partitions(), ['alice']);
  await again.close();
});

test('a contradicting fact closes the old validity and keeps both; current and asOf answer both times', async () => {
  const { store, clock } = fresh(1000);
  const paris = await store.put('alice', { kind: 'fact', key: 'user.city', text: 'The user lives in Paris' });
  clock.t = 2000;
  const tokyo = await store.put('alice', { kind: 'fact', key: 'user.city', text: 'The user lives in Tokyo' });
  assert.equal(tokyo.outcome, 'superseded');
  assert.deepEqual(tokyo.closed, [paris.memory.id]);
  assert.equal(store.current('alice', 'user.city')?.text, 'The user lives in Tokyo');
  // Valid time: in 1500 the user lived in Paris.
  assert.equal(store.asOf('alice', 'user.city', { validAt: 1500 })?.text, 'The user lives in Paris');
  // Transaction time: in 1500 the agent believed Paris holds with no end, so also "now".
  assert.equal(store.asOf('alice', 'user.city', { validAt: 2500, knownAt: 1500 })?.text, 'The user lives in Paris');
  assert.equal(store.asOf('alice', 'user.city', { validAt: 2500 })?.text, 'The user lives in Tokyo');
  const old = store.get('alice', paris.memory.id);
  assert.equal(old?.validTo, 2000);
  assert.equal(old?.supersededAt, undefined, 'the closed version is believed (it says the fact held until 2000)');
  const history = store.history('alice', 'user.city');
  assert.deepEqual(history.map((m) => [m.text.slice(-5), m.validFrom, m.validTo, m.recordedAt, m.supersededAt]), [
    ['Paris', 1000, undefined, 1000, 2000],
    ['Paris', 1000, 2000, 2000, undefined],
    ['Tokyo', 2000, undefined, 2000, undefined],
  ]);
  await store.close();
});

test('a repeated fact is confirmed, not duplicated', async () => {
  const { store, clock } = fresh(1000);
  const first = await store.put('alice', { kind: 'fact', key: 'user.tz', text: 'Timezone is Europe/Paris.' });
  clock.t = 5000;
  const again = await store.put('alice', { kind: 'fact', key: 'user.tz', text: 'timezone is europe/paris', importance: 0.9 });
  assert.equal(again.outcome, 'confirmed');
  assert.equal(again.memory.id, first.memory.id);
  assert.equal(again.memory.confirmedAt, 5000);
  assert.equal(again.memory.importance, 0.9);
  assert.equal(store.history('alice', 'user.tz').length, 1);
  assert.equal(store.stats('alice').memories, 1);
  assert.equal((await store.search('alice', 'timezone')).length, 1);
  await store.close();
});

test('a correction with an earlier validFrom retracts the fact it covers; what was believed before stays answerable', async () => {
  const { store, clock } = fresh(1000);
  const paris = await store.put('alice', { kind: 'fact', key: 'user.city', text: 'Paris' });
  clock.t = 2000;
  const tokyo = await store.put('alice', { kind: 'fact', key: 'user.city', text: 'Tokyo' });
  clock.t = 3000;
  // "Actually the user moved to Berlin at 1500, never to Tokyo."
  const berlin = await store.put('alice', { kind: 'fact', key: 'user.city', text: 'Berlin', validFrom: 1500 });
  assert.equal(berlin.outcome, 'superseded');
  assert.deepEqual(berlin.closed, [paris.memory.id]);
  assert.deepEqual(berlin.retracted, [tokyo.memory.id]);
  assert.equal(store.current('alice', 'user.city')?.text, 'Berlin');
  assert.equal(store.asOf('alice', 'user.city', { validAt: 1200 })?.text, 'Paris');
  assert.equal(store.asOf('alice', 'user.city', { validAt: 2500 })?.text, 'Berlin');
  // At 2500 the agent believed Tokyo.
  assert.equal(store.asOf('alice', 'user.city', { validAt: 2500, knownAt: 2500 })?.text, 'Tokyo');
  assert.equal(store.get('alice', tokyo.memory.id)?.supersededAt, 3000, 'a retracted fact shows when it stopped being believed');
  // Search shows what is believed now: Tokyo only with an asOf before the correction.
  assert.deepEqual((await store.search('alice', 'Tokyo')).map((h) => h.memory.text), []);
  assert.deepEqual((await store.search('alice', 'Tokyo', { asOf: { validAt: 2500, knownAt: 2500 } })).map((h) => h.memory.text), ['Tokyo']);
  await store.close();
});

test('T2 ranks by BM25 with recency, filters kinds, refuses bad arguments naming them', async () => {
  const { store, clock } = fresh(0);
  await store.put('alice', { kind: 'turn', text: 'We talked about the garden and tomatoes' });
  clock.t = 90 * 24 * 3600 * 1000;
  const fresh1 = await store.put('alice', { kind: 'note', text: 'Tomatoes need watering every morning' });
  const hits = await store.search('alice', 'how often to water the tomatoes?');
  assert.equal(hits[0]?.memory.id, fresh1.memory.id);
  assert.deepEqual(hits[0]?.tiers, ['t2']);
  assert.deepEqual((await store.search('alice', 'tomatoes', { kinds: ['turn'] })).map((h) => h.memory.kind), ['turn']);
  assert.deepEqual(await store.search('alice', 'OR AND NEAR "'), [], 'FTS5 syntax in a query is plain words');
  await assert.rejects(store.search('alice', 'x', { k: 0 }), (e) => isOctantError(e, 'E_MEMORY_INPUT') && /\bk\b/.test(e.message));
  await assert.rejects(store.put('alice', { kind: 'fact', text: 'no key' }), (e) => isOctantError(e, 'E_MEMORY_INPUT') && /key/.test(e.message));
  await assert.rejects(store.put('alice', { kind: 'note', text: 'x', importance: 2 }), (e) => isOctantError(e, 'E_MEMORY_INPUT') && /importance/.test(e.message));
  await assert.rejects(store.put('../etc', { kind: 'note', text: 'x' }), (e) => isOctantError(e, 'E_MEMORY_INPUT') && /partition/.test(e.message));
  assert.equal(store.stats('alice').memories, 2, 'refused puts wrote nothing');
  await store.close();
});

test('pinned facts are in T0 from the start; a pinned fact whose validity closes leaves them', async () => {
  const { store, clock, dir } = fresh(1000);
  const a = await store.put('alice', { kind: 'fact', key: 'user.name', text: 'The user is Ada', pinned: true });
  await store.put('alice', { kind: 'note', text: 'not pinned' });
  assert.deepEqual(store.pinned('alice').map((m) => m.id), [a.memory.id]);
  await store.close();
  const again = createContextStore({ dir, now: () => clock.t });
  assert.deepEqual(again.pinned('alice').map((m) => m.id), [a.memory.id]);
  clock.t = 2000;
  const b = await again.put('alice', { kind: 'fact', key: 'user.name', text: 'The user is Grace', pinned: true });
  assert.deepEqual(again.pinned('alice').map((m) => m.id), [b.memory.id]);
  assert.deepEqual(again.recent('alice', 2).map((m) => m.text), ['The user is Grace', 'not pinned']);
  await again.close();
});

test('relate stores a relation as a fact on its triple: repeating it confirms', async () => {
  const { store } = fresh();
  const r = await store.relate('alice', { from: 'ada', relation: 'works-at', to: 'acme' });
  assert.deepEqual(r.memory.relation, { from: 'ada', relation: 'works-at', to: 'acme' });
  assert.equal((await store.relate('alice', { from: 'ada', relation: 'works-at', to: 'acme' })).outcome, 'confirmed');
  await assert.rejects(store.relate('alice', { from: 'ada', relation: '', to: 'x' }), (e) => isOctantError(e, 'E_MEMORY_INPUT') && /relation\.relation/.test(e.message));
  assert.equal((await store.search('alice', 'acme'))[0]?.memory.id, r.memory.id);
  await store.close();
});

test('T2 keeps a query within its postings budget by dropping its most common terms first', async () => {
  const dir = join(root, `budget${n++}`);
  const lines = [JSON.stringify({ format: 'octant-memory', version: 1, partition: 'alice', exportedAt: 0, memories: 41 })];
  for (let i = 0; i < 40; i += 1) lines.push(JSON.stringify({ id: `c${i}`, kind: 'note', text: `weather report ${i}`, importance: 0.5, pinned: false, createdAt: i, versions: [{ validFrom: i, recordedAt: i }] }));
  lines.push(JSON.stringify({ id: 'rare', kind: 'note', text: 'the weather on the glacier', importance: 0.5, pinned: false, createdAt: 0, versions: [{ validFrom: 0, recordedAt: 0 }] }));
  const tight = createContextStore({ dir, postingsBudget: 10 });
  await tight.importLines('alice', lines);
  assert.deepEqual((await tight.search('alice', 'glacier weather', { k: 50 })).map((h) => h.memory.id), ['rare'], 'weather (41 documents) is over the budget');
  assert.deepEqual((await tight.search('alice', 'weather', { k: 5 })).length, 5, 'the rarest term is always kept');
  await tight.close();
  const wide = createContextStore({ dir });
  const hits = (await wide.search('alice', 'glacier weather', { k: 50 })).map((h) => h.memory.id);
  assert.equal(hits.length, 41);
  assert.equal(hits[0], 'rare', 'the memory matching both terms first');
  await wide.close();
});

test('pinned memories are bounded per partition; a file of another layout version is refused', async () => {
  const { store, dir } = fresh();
  const limited = createContextStore({ dir: join(dir, 'limited'), pinnedLimit: 2 });
  await limited.put('alice', { kind: 'note', text: 'one', pinned: true });
  await limited.put('alice', { kind: 'note', text: 'two', pinned: true });
  await assert.rejects(limited.put('alice', { kind: 'note', text: 'three', pinned: true }), (e) => isOctantError(e, 'E_MEMORY_PINNED_LIMIT'));
  assert.equal((await limited.put('alice', { kind: 'note', text: 'three' })).outcome, 'created', 'unpinned is fine');
  assert.equal(limited.stats('alice').pinned, 2);
  await limited.close();
  await store.put('alice', { kind: 'note', text: 'x' });
  await store.close();
  const db = new DatabaseSync(join(dir, 'alice.sqlite'));
  db.exec('PRAGMA user_version = 7');
  db.close();
  const again = createContextStore({ dir });
  assert.throws(() => again.get('alice', 'm1'), (e) => isOctantError(e, 'E_MEMORY_SCHEMA') && /version 7/.test(e.message));
  await again.close();
});
