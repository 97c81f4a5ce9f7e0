// Export and import per partition: a round trip keeps every memory and its
// history; a bad line refuses the whole import, naming the line and field.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../../lib/errors.ts';
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
