import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aidTime, createAidGenerator, isAid } from './aid.ts';

test('AIDs are unique and strictly increasing within one millisecond', () => {
  const next = createAidGenerator(() => 1_700_000_000_000);
  const ids = Array.from({ length: 5000 }, () => next());
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} < ${ids[i]}`);
  assert.ok(ids.every(isAid));
});

test('AIDs sort by creation time across milliseconds, even if the clock steps back', () => {
  const times = [1000, 1000, 1001, 5000, 4000, 4000, 6000];
  let i = 0;
  const next = createAidGenerator(() => times[i++]);
  const ids = times.map(() => next());
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(aidTime(ids[0]), 1000);
  assert.equal(aidTime(ids[3]), 5000);
  assert.equal(aidTime(ids[4]), 5000, 'a clock stepping back keeps the last time');
  assert.equal(aidTime(ids[6]), 6000);
});

test('two generators do not collide (80 random bits)', () => {
  const a = createAidGenerator(() => 42);
  const b = createAidGenerator(() => 42);
  const ids = new Set<string>();
  for (let i = 0; i < 1000; i++) { ids.add(a()); ids.add(b()); }
  assert.equal(ids.size, 2000);
});

test('the random part carries over into the next character on increment', () => {
  const bytes = Buffer.alloc(10);
  bytes[9] = 0x1f; // encodes as ...0Z
  const next = createAidGenerator(() => 7, () => bytes);
  const first = next();
  const second = next();
  assert.equal(first.slice(-2), '0Z');
  assert.equal(second.slice(-2), '10');
  assert.equal(first.slice(0, -2), second.slice(0, -2));
});

test('isAid and aidTime refuse malformed ids', () => {
  for (const bad of ['', 'agt_', 'agt_0000000000000000000000000I', 'AGT_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'agt_81ARZ3NDEKTSV4RRFFQ69G5FAV', 'agt_01ARZ3NDEKTSV4RRFFQ69G5FA', '../agt_01ARZ3NDEKTSV4RRFFQ69G5FAV']) {
    assert.equal(isAid(bad), false, bad);
    assert.throws(() => aidTime(bad), /E_AID_INVALID|not an agent id/);
  }
  assert.equal(isAid('agt_01ARZ3NDEKTSV4RRFFQ69G5FAV'), true);
  assert.throws(() => createAidGenerator(() => -1)(), /48-bit/);
});
