import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, shouldGiveUp } from './backoff.ts';

const policy = { mode: 'on-failure' as const, minDelayMs: 100, maxDelayMs: 1_000, maxRestarts: 3 };

test('delay doubles from the minimum and stops at the cap', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n)), [100, 200, 400, 800, 1_000, 1_000]);
  assert.equal(backoffDelay(policy, 10_000), 1_000);
});

test('maxRestarts restarts are allowed; the next failure gives up', () => {
  assert.deepEqual([1, 2, 3, 4].map((n) => shouldGiveUp(policy, n)), [false, false, false, true]);
  assert.equal(shouldGiveUp({ ...policy, mode: 'never' }, 1), true);
});
