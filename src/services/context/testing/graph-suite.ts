// The T4 graph tests, run against every SQL driver (graph/graph-tier.test.ts
// on SQLite, graph/postgres.test.ts on a throwaway PostgreSQL cluster), so
// both back ends are held to the same behaviour.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Memory } from '../types.ts';
import { GraphTier } from '../graph/graph-tier.ts';
import type { SqlDriver } from '../graph/sql-driver.ts';

const memory = (partition: string, id: string, text: string, key?: string): Memory => ({ id, partition, kind: key === undefined ? 'turn' : 'fact', key, text, importance: 0.5, pinned: false, validFrom: 0, recordedAt: 0 });

export function graphSuite(label: string, driver: () => SqlDriver, options: { skip?: string } = {}): void {
  const { skip } = options;
  let n = 0;
  /** A fresh partition per test: the suite may share one database. */
  const partition = (): string => `${label}-p${++n}-${Date.now()}`;

  test(`${label}: extracted relations are walked over several hops, both ways, bounded by the depth`, { skip }, async () => {
    const tier = new GraphTier({ driver: driver() });
    const p = partition();
    await tier.add(memory(p, 't1', 'My friend Priya Raman just started a new job at Quantix Labs.'));
    await tier.add(memory(p, 't2', 'Quantix Labs is based in Oslo.'));
    await tier.add(memory(p, 't3', 'Oslo is a city in Norway.'));
    assert.deepEqual(await tier.edges(p, 'Quantix Labs'), [
      { subject: 'priya raman', relation: 'works_at', object: 'quantix labs', memoryId: 't1' },
      { subject: 'quantix labs', relation: 'based_in', object: 'oslo', memoryId: 't2' },
    ]);
    assert.deepEqual(await tier.reach(p, ['Priya Raman'], 2), [
      { entity: 'priya raman', depth: 0 }, { entity: 'quantix labs', depth: 1 }, { entity: 'oslo', depth: 2 },
    ]);
    // Both directions: from the city back to the person.
    assert.deepEqual((await tier.reach(p, ['oslo'], 2)).map((r) => r.entity).sort(), ['city', 'oslo', 'priya raman', 'quantix labs'].sort());
    assert.deepEqual(await tier.reach(p, ['Priya Raman'], 0), [{ entity: 'priya raman', depth: 0 }]);
    await assert.rejects(tier.reach(p, ['x'], 99), /depth must be/);
    assert.deepEqual(await tier.reach(p, ['nobody known'], 3), []);
  });

  test(`${label}: search returns the memories connected to the entities a query names, nearest first; one hop further finds the second fact`, { skip }, async () => {
    const tier = new GraphTier({ driver: driver() });
    const p = partition();
    await tier.add(memory(p, 'job', 'Priya Raman just started a new job at Quantix Labs.'));
    await tier.add(memory(p, 'city', 'Quantix Labs is based in Oslo.'));
    await tier.add(memory(p, 'noise', 'Tomas bakes sourdough bread on Sundays.'));
    const hits = await tier.search(p, 'which city is the company priya works for in?', 10);
    assert.deepEqual(hits.map((h) => h.id), ['job', 'city']);
    assert.ok(hits[0].score > hits[1].score);
    assert.deepEqual(await tier.search(p, 'nothing known here', 10), []);
    assert.deepEqual(await tier.search(p, 'Priya', 0), []);
    // Other partitions see nothing of this one.
    assert.deepEqual(await tier.search(partition(), 'Priya Raman', 10), []);
  });

  test(`${label}: relate() states a relation explicitly; unrelate() takes it back; bad names are refused`, { skip }, async () => {
    const tier = new GraphTier({ driver: driver() });
    const p = partition();
    assert.deepEqual(await tier.relate(p, 'The Deploy Bot', 'Reports To', 'Ops Team'), { subject: 'deploy bot', relation: 'reports_to', object: 'ops team', memoryId: '' });
    await tier.add(memory(p, 'm1', 'Ops Team is on call this week.'));
    assert.deepEqual((await tier.search(p, 'who does the deploy bot report to', 5)).map((h) => h.id), ['m1']);
    assert.equal(await tier.unrelate(p, 'deploy bot', 'reports to', 'ops team'), true);
    assert.equal(await tier.unrelate(p, 'deploy bot', 'reports to', 'ops team'), false);
    assert.deepEqual(await tier.search(p, 'deploy bot', 5), []);
    await assert.rejects(tier.relate(p, '   ', 'is', 'x'), /subject must have/);
    await assert.rejects(tier.relate(p, 'a', '', 'x'), /relation must have/);
  });

  test(`${label}: a memory written by relate() is indexed as its relation, not read from its text`, { skip }, async () => {
    const tier = new GraphTier({ driver: driver() });
    const p = partition();
    await tier.add({ ...memory(p, 'r1', 'alice works-at acme'), kind: 'note', relation: { from: 'Alice', relation: 'works-at', to: 'Acme Corp' } });
    assert.deepEqual(await tier.edges(p, 'alice'), [{ subject: 'alice', relation: 'works_at', object: 'acme corp', memoryId: 'r1' }]);
    assert.deepEqual((await tier.search(p, 'where does alice work', 5)).map((h) => h.id), ['r1']);
  });

  test(`${label}: key=value facts and a fact's key are entities; re-adding a memory reads it afresh`, { skip }, async () => {
    const tier = new GraphTier({ driver: driver() });
    const p = partition();
    await tier.add(memory(p, 'f1', 'timezone=Europe/Paris', 'user.timezone'));
    assert.deepEqual(await tier.edges(p, 'timezone'), [{ subject: 'timezone', relation: 'is', object: 'europe/paris', memoryId: 'f1' }]);
    assert.deepEqual((await tier.search(p, 'user.timezone', 5)).map((h) => h.id), ['f1']);
    await tier.add(memory(p, 'f1', 'timezone=Asia/Tokyo', 'user.timezone'));
    assert.deepEqual(await tier.edges(p, 'timezone'), [{ subject: 'timezone', relation: 'is', object: 'asia/tokyo', memoryId: 'f1' }]);
    assert.deepEqual(await tier.reach(p, ['europe/paris'], 1), [], 'the old value is gone with its only mention');
  });

  test(`${label}: remove is total — mentions, edges and the entities only it named are gone; shared entities stay`, { skip }, async () => {
    const tier = new GraphTier({ driver: driver() });
    const p = partition();
    await tier.add(memory(p, 'secret', 'Marguerite Okonkwo works at Hollowbrook Clinic.'));
    await tier.add(memory(p, 'other', 'Hollowbrook Clinic is located in Leeds.'));
    // Its twin: before, the secret is found.
    assert.deepEqual((await tier.search(p, 'Marguerite Okonkwo', 5)).map((h) => h.id)[0], 'secret');
    await tier.remove(p, 'secret');
    assert.deepEqual(await tier.search(p, 'Marguerite Okonkwo', 5), []);
    assert.deepEqual(await tier.reach(p, ['Marguerite Okonkwo'], 2), []);
    assert.deepEqual(await tier.entitiesIn(p, 'Marguerite Okonkwo at Hollowbrook Clinic'), ['hollowbrook clinic']);
    assert.ok(!(await tier.edges(p, 'Hollowbrook Clinic')).some((e) => e.memoryId === 'secret'));
    const names = await driver().all('SELECT norm, name FROM t4_entities WHERE partition = ?', [p]);
    assert.ok(!JSON.stringify(names).toLowerCase().includes('marguerite'), JSON.stringify(names));
    assert.deepEqual((await tier.search(p, 'Hollowbrook Clinic', 5)).map((h) => h.id), ['other']);
  });
}
