// T4's search reads a bounded number of rows whatever the partition holds
// (graph-search.ts): counted through a driver that counts every row a
// statement returns. And a bulk add extracted in the workers builds the
// same graph as one extracted in place.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import type { Memory } from '../types.ts';
import { embedWorkers } from '../vectors/builtin-embedder.ts';
import { GraphTier } from './graph-tier.ts';
import { sqliteDriver, type SqlDriver } from './sql-driver.ts';

const workers = embedWorkers();
after(() => workers.close());

function counting(db: DatabaseSync): SqlDriver & { rows: number; statements: number } {
  const inner = sqliteDriver(db);
  const driver = {
    ...inner,
    rows: 0,
    statements: 0,
    async all(sql: string, params?: readonly (string | number | null)[]) {
      const rows = await inner.all(sql, params);
      driver.rows += rows.length;
      driver.statements += 1;
      return rows;
    },
  };
  return driver;
}

const turn = (id: string, text: string, at: number): Memory => ({ id, partition: 'p', kind: 'turn', text, importance: 0.5, pinned: false, validFrom: at, recordedAt: at });

/**
 * A partition with hubs: Oslo is where 3000 people live (3000 edges, 3000
 * mentions); Priya moved 300 times (300 lives_in edges, the newest is the
 * current one); Quantix Labs, where she works, is based in Lisbon.
 */
function hubbyPartition(): Memory[] {
  const out: Memory[] = [];
  for (let i = 0; i < 3000; i++) out.push(turn(`o${i}`, `Person${i} Example lives in Oslo.`, 1000 + i));
  for (let i = 0; i < 300; i++) out.push(turn(`m${i}`, `Priya Raman moved to Town${i}.`, 10_000 + i));
  out.push(turn('now', 'Priya Raman moved to Bergen.', 20_000));
  out.push(turn('job', 'Priya Raman works at Quantix Labs.', 20_001));
  out.push(turn('hq', 'Quantix Labs is based in Lisbon.', 20_002));
  return out;
}

test('a search over hubs reads at most its budgets of edges and mentions, and still ranks the current value and the second hop first', async () => {
  const db = new DatabaseSync(':memory:');
  const driver = counting(db);
  const budget = { fanout: 50, edgeBudget: 400, mentionBudget: 600, hubLimit: 200 };
  const tier = new GraphTier({ driver, budget, workers });
  await tier.addMany(hubbyPartition());
  // Its twin without budgets reads far more: what the budget saves is real.
  const open = counting(db);
  const unbounded = new GraphTier({ driver: open, budget: { fanout: 1e6, edgeBudget: 1e9, mentionBudget: 1e9, hubLimit: 1e6, hubShare: 1 } });
  await unbounded.search('p', 'Where does Priya live now? Oslo?', 10);
  assert.ok(open.rows > 6000, `the unbounded search read ${open.rows} rows`);

  driver.rows = 0;
  driver.statements = 0;
  const hits = await tier.search('p', 'Where does Priya live now? Oslo?', 10);
  // entitiesIn reads at most 5 names per query word and the spans it names; the rest is the budgets.
  const words = 7;
  assert.ok(driver.rows <= budget.edgeBudget + budget.mentionBudget + words * 5 + 4 * words, `read ${driver.rows} rows`);
  assert.equal(hits[0].id, 'now', 'the newest lives_in edge of Priya is the current value');

  driver.rows = 0;
  const twoHops = await tier.search('p', 'In which city is the company Priya works for based?', 10);
  assert.ok(driver.rows <= budget.edgeBudget + budget.mentionBudget + 60, `read ${driver.rows} rows`);
  assert.ok(twoHops.slice(0, 3).some((h) => h.id === 'hq') && twoHops.slice(0, 3).some((h) => h.id === 'job'), JSON.stringify(twoHops.slice(0, 5)));
  db.close();
});

test('reach() walks within the budget: at most reachLimit entities, each hub through its newest edges only', async () => {
  const db = new DatabaseSync(':memory:');
  const driver = counting(db);
  const tier = new GraphTier({ driver, budget: { fanout: 20, edgeBudget: 100 } });
  await tier.addMany(hubbyPartition());
  driver.rows = 0;
  const reached = await tier.reach('p', ['Oslo'], 2, 50);
  assert.ok(reached.length <= 50 && reached.length > 20, String(reached.length));
  assert.deepEqual(reached[0], { entity: 'oslo', depth: 0 });
  // The 20 newest people of Oslo (edges newest first), not the first 20 by name.
  assert.ok(reached.some((r) => r.entity === 'person2999 example' && r.depth === 1));
  assert.ok(!reached.some((r) => r.entity === 'person0 example'));
  assert.ok(driver.rows <= 100 + 2, `read ${driver.rows} rows`);
  db.close();
});

test('a bulk add extracted in the workers builds the same graph as one extracted in place; re-adding reads a memory afresh', async () => {
  const memories = hubbyPartition().slice(2900);
  const inPlace = new DatabaseSync(':memory:');
  const pooled = new DatabaseSync(':memory:');
  const a = new GraphTier({ driver: sqliteDriver(inPlace) });
  const b = new GraphTier({ driver: sqliteDriver(pooled), workers });
  for (const m of memories) await a.add(m);
  await b.addMany(memories);
  for (const table of ['t4_entities', 't4_edges', 't4_mentions']) {
    const dump = (db: DatabaseSync): string[] => db.prepare(`SELECT * FROM ${table}`).all().map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(dump(pooled), dump(inPlace), table);
  }
  await b.addMany([{ ...memories[0], text: 'Priya Raman moved to Quito.' }]);
  assert.ok((await b.edges('p', 'quito')).some((e) => e.memoryId === memories[0].id));
  assert.ok(!(await b.edges('p', 'Priya Raman')).some((e) => e.memoryId === memories[0].id && e.object !== 'quito'));
  inPlace.close();
  pooled.close();
});
