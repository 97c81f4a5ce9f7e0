// T2's document counts (what its postings budget is checked against) are
// kept a while for common terms only: a word a put just brought in is found
// at once, and a common term whose kept count is stale still finds every
// memory holding it (the count only decides which terms fit the budget).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContextStore } from './context-store.ts';

const root = mkdtempSync(join(tmpdir(), 'octant-memory-text-budget-'));
after(() => rmSync(root, { recursive: true, force: true }));

const notes = (n: number): string[] => [
  JSON.stringify({ format: 'octant-memory', version: 1, partition: 'alice', exportedAt: 0, memories: n }),
  ...Array.from({ length: n }, (_, i) => JSON.stringify({ id: `w${i}`, kind: 'note', text: `weather report ${i}`, importance: 0.5, pinned: false, createdAt: i + 1, versions: [{ validFrom: i + 1, recordedAt: i + 1 }] })),
];

test('a word first seen after a search is found at once; a common term with a kept count still finds every memory', async () => {
  const store = createContextStore({ dir: join(root, 'a'), durability: 'normal' });
  await store.importLines('alice', notes(300));
  assert.deepEqual(await store.search('alice', 'zephyr'), []);
  const { memory } = await store.put('alice', { kind: 'note', text: 'zephyr and weather on the glacier' });
  assert.deepEqual((await store.search('alice', 'zephyr')).map((h) => h.memory.id), [memory.id], 'a rare term is counted afresh');
  // 'weather' (301 documents now) was counted above and is kept; one more memory holding it is still found.
  assert.equal((await store.search('alice', 'weather', { k: 1000 })).length, 301);
  const another = await store.put('alice', { kind: 'note', text: 'weather again' });
  const all = await store.search('alice', 'weather', { k: 1000 });
  assert.equal(all.length, 302);
  assert.ok(all.some((h) => h.memory.id === another.memory.id));
  await store.close();
});

test('the budget drops the common term, keeps the rare one (twin: a wide budget keeps both)', async () => {
  const tight = createContextStore({ dir: join(root, 'b'), durability: 'normal', postingsBudget: 100 });
  await tight.importLines('alice', notes(300));
  const { memory } = await tight.put('alice', { kind: 'note', text: 'weather on the glacier' });
  assert.deepEqual((await tight.search('alice', 'glacier weather', { k: 50 })).map((h) => h.memory.id), [memory.id]);
  await tight.close();
  const wide = createContextStore({ dir: join(root, 'b'), durability: 'normal', postingsBudget: 1000 });
  const hits = await wide.search('alice', 'glacier weather', { k: 50 });
  assert.equal(hits.length, 50);
  assert.equal(hits[0].memory.id, memory.id);
  await wide.close();
});
