// T3 and T4 inside the context store with hybrid fusion: a multi-hop
// question answered through the graph, and forget removing a memory from
// the vectors and the graph too (searched tier by tier, and on disk).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecallTiers } from './recall-tiers.ts';
import { createContextStore } from './store/context-store.ts';

const root = mkdtempSync(join(tmpdir(), 'octant-recall-tiers-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('hybrid recall through the store: the graph finds the second hop; forget leaves no tier and no file holding the memory', async () => {
  mkdirSync(join(root, 'memory'));
  const file = join(root, 'recall.sqlite');
  const recall = await openRecallTiers({ file });
  const store = createContextStore({ dir: join(root, 'memory'), tiers: recall.tiers, fuse: recall.fuse });
  try {
    const job = await store.put('agent-a', { kind: 'note', text: 'Priya Raman just started a new job at Quantix Labs.' });
    const city = await store.put('agent-a', { kind: 'note', text: 'Quantix Labs is based in Oslo.' });
    await store.put('agent-a', { kind: 'note', text: 'Tomas bakes sourdough bread on Sundays.' });
    const secret = await store.put('agent-a', { kind: 'note', text: 'Marguerite Okonkwo works at Hollowbrook Clinic as a night nurse.' });
    const hits = await store.search('agent-a', 'In which city is the company Priya works for based?');
    const ids = hits.map((h) => h.memory.id);
    assert.ok(ids.includes(job.memory.id) && ids.includes(city.memory.id), JSON.stringify(hits.map((h) => [h.memory.text, h.tiers])));
    // The city memory shares no word with the question but "city"/"based": T4 brought it.
    assert.ok(hits.find((h) => h.memory.id === city.memory.id)!.tiers.includes('t4'));
    // Another agent's partition sees none of it.
    assert.deepEqual(await store.search('agent-b', 'Priya Raman Quantix'), []);

    // Its twin first: the secret is found by every tier, and its words are in the recall file.
    const query = 'Marguerite Okonkwo Hollowbrook Clinic night nurse';
    assert.equal((await recall.t3.search('agent-a', query, 1))[0].id, secret.memory.id);
    assert.equal((await recall.t4.search('agent-a', query, 1))[0].id, secret.memory.id);
    const onDisk = (): boolean => [file, `${file}-wal`].some((f) => existsSync(f) && readFileSync(f).toString('latin1').toLowerCase().includes('okonkwo'));
    assert.equal(onDisk(), true);
    assert.equal(await store.forget('agent-a', secret.memory.id), true);
    assert.ok(!(await recall.t3.search('agent-a', query, 50)).some((h) => h.id === secret.memory.id));
    assert.deepEqual(await recall.t4.search('agent-a', query, 50).then((hs) => hs.filter((h) => h.id === secret.memory.id)), []);
    assert.ok(!(await store.search('agent-a', query)).some((h) => h.memory.id === secret.memory.id));
    assert.equal(onDisk(), false, 'the entity names are gone from the recall file and its WAL');
  } finally {
    await store.close();
    await recall.close();
  }
});
