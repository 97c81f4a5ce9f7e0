// Export and import per partition: a round trip keeps every memory and its
// history; a bad line refuses the whole import, naming the line and field.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../../lib/errors.ts';
import { createWorkerPool } from '../../../lib/worker-pool.ts';
import { createContextStore } from './context-store.ts';

const root = mkdtempSync(join(tmpdir(), 'octant-memory-export-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function sample() {
  const clock = { t: 1000 };
  const store = createContextStore({ dir: join(root, 'source'), now: () => clock.t });
  await store.put('alice', { kind: 'fact', key: 'user.city', text: 'Paris', pinned: true, tags: ['profile'] });
  clock.t = 2000;
  await store.put('alice', { kind: 'fact', key: 'user.city', text: 'Tokyo' });
  await store.put('alice', { kind: 'note', text: 'likes green tea', importance: 0.8 });
  await store.relate('alice', { from: 'ada', relation: 'knows', to: 'grace' });
  return { store, clock };
}

test('export then import into another partition keeps every memory and its history', async () => {
  const { store } = await sample();
  const lines = store.exportLines('alice');
  const header = JSON.parse(lines[0]!);
  assert.deepEqual([header.format, header.version, header.partition, header.memories], ['octant-memory', 1, 'alice', 4]);
  const target = createContextStore({ dir: join(root, 'target') });
  assert.deepEqual(await target.importLines('bob', lines), { imported: 4, skipped: 0 });
  assert.deepEqual(await target.importLines('bob', lines), { imported: 0, skipped: 4 }, 'importing twice adds nothing');
  assert.deepEqual(target.history('bob', 'user.city').map((m) => [m.text, m.validFrom, m.validTo, m.supersededAt]),
    store.history('alice', 'user.city').map((m) => [m.text, m.validFrom, m.validTo, m.supersededAt]));
  assert.equal(target.current('bob', 'user.city')?.text, 'Tokyo');
  assert.equal((await target.search('bob', 'green tea'))[0]?.memory.importance, 0.8);
  assert.deepEqual(target.exportLines('bob').slice(1), lines.slice(1), 'a re-export is the same lines');
  await store.close();
  await target.close();
});

test('a bad line refuses the whole import, naming the line and the field', async () => {
  const { store } = await sample();
  const lines = store.exportLines('alice');
  await store.close();
  const target = createContextStore({ dir: join(root, 'refused') });
  const cases: [string[], RegExp][] = [
    [[], /line 1: format/],
    [['{"format":"octant-memory","version":9}'], /line 1: version/],
    [[lines[0]!, lines[1]!, 'not json'], /line 3: \(line\): not JSON/],
    [[lines[0]!, JSON.stringify({ ...JSON.parse(lines[1]!), importance: 3 })], /line 2: importance/],
    [[lines[0]!, JSON.stringify({ ...JSON.parse(lines[1]!), kind: 'dream' })], /line 2: kind/],
    [[lines[0]!, JSON.stringify({ ...JSON.parse(lines[1]!), versions: [{ validFrom: 5, validTo: 2, recordedAt: 1 }] })], /line 2: versions\[0\]\.validTo/],
    [[lines[0]!, JSON.stringify({ ...JSON.parse(lines[1]!), colour: 'red' })], /line 2: colour: unknown field/],
    [[lines[0]!, lines[3]!, lines[3]!], /line 3: id: .* appears twice/],
  ];
  for (const [input, message] of cases) {
    await assert.rejects(target.importLines('bob', input), (e) => isOctantError(e, 'E_MEMORY_IMPORT') && message.test(e.message), String(message));
  }
  assert.equal(target.stats('bob').memories, 0, 'nothing was half imported');
  // Facts on a key the partition already believes something about would overlap: refused.
  await target.put('bob', { kind: 'fact', key: 'user.city', text: 'Oslo' });
  await assert.rejects(target.importLines('bob', lines), (e) => isOctantError(e, 'E_MEMORY_IMPORT') && /line \d: key: .*user\.city/.test(e.message));
  assert.equal(target.stats('bob').memories, 1);
  await target.close();
});

test('with a worker pool the import runs in a worker (the same checks, the same result), and the event loop keeps serving', async () => {
  const { store } = await sample();
  const lines = store.exportLines('alice');
  await store.close();
  const workers = createWorkerPool({ name: 'memory', source: { url: new URL('./store-worker.ts', import.meta.url) }, threads: 1, queueLimit: 2 });
  const target = createContextStore({ dir: join(root, 'worker'), workers });
  try {
    let ticks = 0;
    const timer = setInterval(() => { ticks += 1; }, 1);
    // A bigger import, so that it takes a while in the worker.
    const many = [lines[0]!, ...Array.from({ length: 3000 }, (_, i) => JSON.stringify({
      id: `w${i}`, kind: 'turn', text: `turn ${i} of a long conversation about trains`, importance: 0.5, pinned: false, createdAt: i, versions: [{ validFrom: i, recordedAt: i }],
    }))];
    assert.deepEqual(await target.importLines('bob', many), { imported: 3000, skipped: 0 });
    clearInterval(timer);
    assert.ok(ticks > 0, 'timers ran while the worker imported');
    assert.equal(workers.stats().done, 1, 'the import ran in the pool');
    assert.equal((await target.search('bob', 'trains', { k: 3 })).length, 3, 'T2 sees what the worker wrote');
    await assert.rejects(target.importLines('bob', [lines[0]!, '{"id":"x"}']), (e) => isOctantError(e, 'E_MEMORY_IMPORT') && /line 2/.test(e.message));
    assert.equal(workers.stats().done, 2);
  } finally {
    await target.close();
    await workers.close();
  }
});
