import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Memory } from '../types.ts';
import { builtinEmbedder, embedWorkers } from './builtin-embedder.ts';
import { hashedEmbedding } from './hashed-embedding.ts';
import { VectorTier } from './vector-tier.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-t3-'));
const workers = embedWorkers();
after(async () => {
  await workers.close();
  rmSync(dir, { recursive: true, force: true });
});

const memory = (partition: string, id: string, text: string): Memory => ({ id, partition, kind: 'note', text, importance: 0.5, pinned: false, validFrom: 0, recordedAt: 0 });

function open(file: string): DatabaseSync {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  return db;
}

const TOPICS = ['tea', 'rust', 'garden', 'chess', 'violin', 'kayak', 'sourdough', 'astronomy'];
const text = (i: number): string => `note ${i}: the user spent the afternoon on ${TOPICS[i % TOPICS.length]} number ${i} with friend${i % 13}`;

test('the built-in embedder gives the same vectors in the workers (a large batch) as in place (a short one)', async () => {
  const embedder = builtinEmbedder({ workers, dims: 128 });
  assert.equal(embedder.id, 'hashed-v1-128');
  const texts = Array.from({ length: 600 }, (_, i) => text(i));
  const before = workers.stats().done;
  const batch = await embedder.embed(texts);
  assert.ok(workers.stats().done > before, 'the batch went to the workers');
  const afterBatch = workers.stats().done;
  const inPlace = await embedder.embed([texts[599]]);
  assert.equal(workers.stats().done, afterBatch, 'a short text is embedded in place');
  assert.deepEqual(Array.from(batch[599]), Array.from(inPlace[0]));
  assert.deepEqual(Array.from(batch[0]), Array.from(hashedEmbedding(texts[0], 128)));
  assert.throws(() => builtinEmbedder({ workers, dims: 3 }), /dims must be/);
});

test('T3 finds by similar wording, keeps partitions apart, and survives a reopen', async () => {
  const file = join(dir, 'persist.db');
  let db = open(file);
  let tier = new VectorTier({ db, embedder: builtinEmbedder({ workers }), workers });
  await tier.addMany([
    memory('alice', 'a1', 'The deploy key for staging rotates every Monday'),
    memory('alice', 'a2', 'Lunch with the design team on Thursday'),
    memory('bob', 'b1', 'The deploy key for staging rotates every Monday'),
  ]);
  assert.equal((await tier.search('alice', 'when do staging deploy keys rotate?', 5))[0].id, 'a1');
  assert.deepEqual((await tier.search('bob', 'staging deploy keys', 5)).map((h) => h.id), ['b1']);
  assert.deepEqual(await tier.search('carol', 'staging deploy keys', 5), []);
  assert.deepEqual(await tier.search('alice', '?!', 5), []);
  // Nothing related: no answer, rather than the nearest of unrelated memories.
  assert.deepEqual(await tier.search('alice', 'combination', 5), []);
  db.close();
  db = open(file);
  tier = new VectorTier({ db, embedder: builtinEmbedder({ workers }), workers });
  assert.equal((await tier.search('alice', 'staging deploy key rotation', 5))[0].id, 'a1');
  assert.equal(tier.count('alice'), 2);
  // Another embedder is another space: its search does not see these vectors.
  const other = new VectorTier({ db, embedder: builtinEmbedder({ workers, dims: 64 }), workers });
  assert.deepEqual(await other.search('alice', 'staging deploy key rotation', 5), []);
  db.close();
});

test('past the exact limit the partition is promoted to HNSW (built in a worker); the graph snapshot is reused after a reopen', async () => {
  const file = join(dir, 'promote.db');
  let db = open(file);
  let tier = new VectorTier({ db, embedder: builtinEmbedder({ workers }), workers, exactLimit: 300 });
  await tier.addMany(Array.from({ length: 200 }, (_, i) => memory('p', `m${i}`, text(i))));
  assert.equal((await tier.search('p', text(17), 3))[0].id, 'm17');
  assert.equal(tier.stats('p').kind, 'exact');
  await tier.addMany(Array.from({ length: 200 }, (_, i) => memory('p', `m${200 + i}`, text(200 + i))));
  // Adds and a removal while the graph is built are replayed onto it.
  await tier.add(memory('p', 'late', 'a late note about kayak trips'));
  tier.remove('p', 'm5');
  await tier.settled('p');
  assert.deepEqual(tier.stats('p'), { kind: 'hnsw', size: 400, building: false, buildError: undefined });
  assert.equal((await tier.search('p', text(333), 3))[0].id, 'm333');
  assert.equal((await tier.search('p', 'a late note about kayak trips', 1))[0].id, 'late');
  assert.ok(!(await tier.search('p', text(5), 20)).some((h) => h.id === 'm5'));
  // The graph was saved when its build finished (with the replayed changes):
  // a second store on the same file loads it, and it answers exactly as the built one.
  const probes = [...Array.from({ length: 30 }, (_, i) => text(i * 13)), 'kayak trips', 'a late note'];
  const built = await Promise.all(probes.map((q) => tier.search('p', q, 10)));
  const twin = new VectorTier({ db, embedder: builtinEmbedder({ workers }), workers, exactLimit: 300 });
  assert.deepEqual(await Promise.all(probes.map((q) => twin.search('p', q, 10))), built);
  assert.deepEqual(twin.stats('p'), { kind: 'hnsw', size: 400, building: false, buildError: undefined }, 'loaded from the snapshot saved after the build');
  tier.checkpoint();
  db.close();
  db = open(file);
  tier = new VectorTier({ db, embedder: builtinEmbedder({ workers }), workers, exactLimit: 300 });
  assert.equal((await tier.search('p', text(333), 3))[0].id, 'm333');
  assert.deepEqual(tier.stats('p'), { kind: 'hnsw', size: 400, building: false, buildError: undefined }, 'loaded from the snapshot, no rebuild');
  assert.deepEqual(await Promise.all(probes.map((q) => tier.search('p', q, 10))), built);
  // A snapshot of an earlier format (or corrupt) is rebuilt from the vectors, not misread.
  db.prepare("UPDATE t3_graphs SET graph = ? WHERE partition = 'p'").run(new Uint8Array(new Int32Array([1, 0, 0]).buffer));
  tier = new VectorTier({ db, embedder: builtinEmbedder({ workers }), workers, exactLimit: 300 });
  assert.equal(tier.stats('p').kind, 'unloaded');
  await tier.search('p', 'kayak', 1);
  await tier.settled('p');
  assert.equal(tier.stats('p').kind, 'hnsw');
  assert.deepEqual(await Promise.all(probes.map((q) => tier.search('p', q, 10))), built);
  db.close();
});

test('remove is total: never returned again, and the vector\'s bytes are in neither the database nor its WAL', async () => {
  const file = join(dir, 'forget.db');
  const db = open(file);
  const tier = new VectorTier({ db, embedder: builtinEmbedder({ workers }), workers });
  const secret = 'The locker combination is 31-17-45 behind the gym';
  await tier.addMany([memory('a', 'keep', 'Weekly report goes out on Fridays'), memory('a', 'gone', secret)]);
  const bytes = Buffer.from(hashedEmbedding(secret, 256).buffer);
  const onDisk = (): boolean => [file, `${file}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(bytes));
  // Its twin: before removal the vector is on disk and found.
  assert.equal(onDisk(), true);
  assert.equal((await tier.search('a', secret, 1))[0].id, 'gone');
  tier.remove('a', 'gone');
  assert.ok(!(await tier.search('a', secret, 10)).some((h) => h.id === 'gone'));
  assert.equal(onDisk(), false);
  assert.equal((await tier.search('a', 'weekly report', 1))[0].id, 'keep');
  db.close();
});
