// A bulk import hands the recall tiers the whole batch at once (addMany:
// their own transactions and workers), a tier without addMany gets one add
// per memory, and a tier that fails names itself; a search asks every tier.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../../lib/errors.ts';
import type { Memory, Partition, RecallTier, TierHit } from '../types.ts';
import { createContextStore } from './context-store.ts';

const root = mkdtempSync(join(tmpdir(), 'octant-memory-import-tiers-'));
after(() => rmSync(root, { recursive: true, force: true }));

class ListTier implements RecallTier {
  readonly name: string;
  readonly batches: number[] = [];
  readonly ids: string[] = [];
  fail = false;
  constructor(name: string, batched: boolean) {
    this.name = name;
    if (!batched) this.addMany = undefined;
  }
  add(memory: Memory): void {
    this.batches.push(1);
    this.ids.push(memory.id);
  }
  addMany?: (memories: readonly Memory[]) => Promise<void> = async (memories) => {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.fail) throw new Error('index unavailable');
    this.batches.push(memories.length);
    this.ids.push(...memories.map((m) => m.id));
  };
  remove(_partition: Partition, _id: string): void {}
  search(_partition: Partition, query: string, k: number): TierHit[] {
    return this.ids.filter((id) => query.split(' ').includes(id)).slice(0, k).map((id, i) => ({ id, score: 1 / (i + 1) }));
  }
}

const lines = (n: number, prefix: string): string[] => [
  JSON.stringify({ format: 'octant-memory', version: 1, partition: 'x', exportedAt: 0, memories: n }),
  ...Array.from({ length: n }, (_, i) => JSON.stringify({ id: `${prefix}${i}`, kind: 'note', text: `note number ${i}`, importance: 0.5, pinned: false, createdAt: i + 1, versions: [{ validFrom: i + 1, recordedAt: i + 1 }] })),
];

test('an import reaches each recall tier as one batch (addMany), or one add per memory for a tier without it', async () => {
  const batched = new ListTier('t3', true);
  const single = new ListTier('t4', false);
  const store = createContextStore({ dir: join(root, 'a'), durability: 'normal', tiers: [batched, single] });
  assert.deepEqual(await store.importLines('alice', lines(300, 'n')), { imported: 300, skipped: 0 });
  assert.deepEqual(batched.batches, [300]);
  assert.equal(single.batches.length, 300);
  assert.deepEqual(new Set(batched.ids), new Set(single.ids));
  // Both tiers' hits are fused into the search.
  const hits = await store.search('alice', 'n17 n42', { k: 5 });
  assert.deepEqual(new Set(hits.map((h) => h.memory.id)), new Set(['n17', 'n42']));
  assert.ok(hits.every((h) => h.tiers.includes('t3') && h.tiers.includes('t4')));
  await store.close();
});

test('a tier that fails a bulk add is named (E_MEMORY_TIER); the memories stay stored, the other tier has them', async () => {
  const broken = new ListTier('t3', true);
  broken.fail = true;
  const fine = new ListTier('t4', true);
  const store = createContextStore({ dir: join(root, 'b'), durability: 'normal', tiers: [broken, fine] });
  await assert.rejects(store.importLines('bob', lines(20, 'b')), (e) => isOctantError(e, 'E_MEMORY_TIER') && /tier t3/.test(e.message) && /20 memories are stored/.test(e.message));
  assert.equal(store.stats('bob').memories, 20);
  assert.equal(fine.ids.length, 20);
  await store.close();
});
