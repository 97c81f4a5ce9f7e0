// Forgetting is total: after forget, no tier answers the memory, and its
// text is not left in the partition's SQLite file or WAL (free pages, FTS5
// segments); a recall tier that fails to remove it is retried until it does.
// Retention sweeps forget the same way.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../../lib/errors.ts';
import type { Memory, Partition, RecallTier, TierHit } from '../types.ts';
import { createContextStore } from './context-store.ts';

const root = mkdtempSync(join(tmpdir(), 'octant-memory-forget-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A recall tier kept in memory: every word of a memory indexes it (the shape T3/T4 have). */
class WordTier implements RecallTier {
  readonly name: string;
  readonly index = new Map<string, Map<string, string>>();
  failRemoves = 0;
  constructor(name: string) {
    this.name = name;
  }
  add(memory: Memory): void {
    const part = this.index.get(memory.partition) ?? new Map<string, string>();
    part.set(memory.id, memory.text.toLowerCase());
    this.index.set(memory.partition, part);
  }
  remove(partition: Partition, id: string): void {
    if (this.failRemoves > 0) {
      this.failRemoves -= 1;
      throw new Error('index unavailable');
    }
    this.index.get(partition)?.delete(id);
  }
  search(partition: Partition, query: string, k: number): TierHit[] {
    const words = query.toLowerCase().split(/\W+/).filter(Boolean);
    return [...(this.index.get(partition) ?? new Map<string, string>())]
      .filter(([, text]) => words.some((w) => text.includes(w))).slice(0, k).map(([id], i) => ({ id, score: 1 / (i + 1) }));
  }
}

function fileBytes(dir: string, partition: string): Buffer {
  const parts = ['', '-wal'].map((s) => join(dir, `${partition}.sqlite${s}`)).filter((f) => existsSync(f)).map((f) => readFileSync(f));
  return Buffer.concat(parts);
}

test('forget removes a memory from T0, T1, T2 and every recall tier, and its text from the file', async () => {
  const dir = join(root, 'total');
  const t3 = new WordTier('t3');
  const t4 = new WordTier('t4');
  const store = createContextStore({ dir, tiers: [t3, t4] });
  for (let i = 0; i < 300; i += 1) await store.put('alice', { kind: 'turn', text: `ordinary filler turn number ${i} about the weather` });
  const secret = await store.put('alice', { kind: 'fact', key: 'user.passphrase', text: 'The passphrase is zanzibarquux hunter', pinned: true });
  await store.put('alice', { kind: 'fact', key: 'user.passphrase', text: 'The passphrase is now something else' });
  const id = secret.memory.id;
  // Before: every tier finds it (the twin of what follows).
  assert.equal(store.get('alice', id)?.id, id);
  assert.deepEqual((await store.search('alice', 'zanzibarquux')).map((h) => [h.memory.id, h.tiers]), [[id, ['t2', 't3', 't4']]]);
  assert.ok(t3.search('alice', 'zanzibarquux', 5).length === 1 && t4.search('alice', 'zanzibarquux', 5).length === 1);
  assert.ok(fileBytes(dir, 'alice').includes('zanzibarquux'), 'the text is in the file before');

  assert.equal(await store.forget('alice', id), true);
  assert.equal(store.get('alice', id), undefined, 'T0 and T1');
  assert.deepEqual(await store.search('alice', 'zanzibarquux'), [], 'T2 and the fused search');
  assert.deepEqual(await store.search('alice', 'zanzibarquux', { asOf: { validAt: 0, knownAt: secret.memory.recordedAt } }), [], 'history too');
  assert.deepEqual(t3.search('alice', 'zanzibarquux', 5), [], 'T3');
  assert.deepEqual(t4.search('alice', 'zanzibarquux', 5), [], 'T4');
  assert.ok(store.history('alice', 'user.passphrase').every((m) => m.id !== id));
  assert.deepEqual(store.pinned('alice'), []);
  const bytes = fileBytes(dir, 'alice');
  assert.ok(!bytes.includes('zanzibarquux') && !bytes.includes('hunter'), 'no byte of the forgotten text is left in the file or its WAL');
  assert.ok(bytes.includes('something else'), 'the memory it did not forget is still there');
  assert.equal(await store.forget('alice', id), false, 'forgetting twice finds nothing');
  await store.close();
  const reopened = createContextStore({ dir });
  assert.equal(reopened.get('alice', id), undefined);
  await reopened.close();
});

test('a recall tier that fails to remove keeps the removal pending until it succeeds; reads never show the memory meanwhile', async () => {
  const t3 = new WordTier('t3');
  const store = createContextStore({ dir: join(root, 'pending'), tiers: [t3] });
  const a = await store.put('alice', { kind: 'note', text: 'quokka sighting at the lake' });
  const b = await store.put('alice', { kind: 'note', text: 'another quokka note' });
  t3.failRemoves = 1;
  await assert.rejects(store.forget('alice', a.memory.id), (e) => isOctantError(e, 'E_MEMORY_FORGET_TIER'));
  assert.equal(t3.search('alice', 'quokka', 5).length, 2, 'T3 still holds it');
  assert.deepEqual((await store.search('alice', 'quokka')).map((h) => h.memory.id), [b.memory.id], 'but the store never returns it');
  await store.forget('alice', b.memory.id);
  assert.deepEqual(t3.search('alice', 'quokka', 5), [], 'the next forget retried the pending removal');
  await store.close();
});

test('retention: max age and max count per kind forget the oldest, totally; pinned memories are kept', async () => {
  const clock = { t: 0 };
  const t3 = new WordTier('t3');
  const store = createContextStore({ dir: join(root, 'retention'), tiers: [t3], now: () => clock.t });
  const old = await store.put('alice', { kind: 'turn', text: 'turn zero' });
  const pinned = await store.put('alice', { kind: 'turn', text: 'pinned turn', pinned: true });
  clock.t = 10_000;
  const turns = [];
  for (let i = 1; i <= 4; i += 1) {
    clock.t += 1;
    turns.push(await store.put('alice', { kind: 'turn', text: `turn ${i}` }));
  }
  const note = await store.put('alice', { kind: 'note', text: 'a note stays' });
  await assert.rejects(store.sweep('alice', { turn: { maxCount: -1 } }), (e) => isOctantError(e, 'E_MEMORY_INPUT') && /turn\.maxCount/.test(e.message));
  const gone = await store.sweep('alice', { turn: { maxAgeMs: 5000, maxCount: 2 } });
  assert.deepEqual(new Set(gone), new Set([old.memory.id, turns[0]!.memory.id, turns[1]!.memory.id]));
  for (const id of gone) {
    assert.equal(store.get('alice', id), undefined);
    assert.ok(!t3.search('alice', 'turn', 10).some((h) => h.id === id));
  }
  assert.ok(store.get('alice', pinned.memory.id) !== undefined && store.get('alice', note.memory.id) !== undefined);
  assert.deepEqual(await store.sweep('alice', { turn: { maxAgeMs: 5000, maxCount: 2 } }), [], 'a second sweep finds nothing');
  await store.close();
});
