import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, editDistance } from './closest.ts';

test('edit distance', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('same', 'same'), 0);
});

test('closest names nearest first, prefixes count as nearest', () => {
  assert.deepEqual(closest('sttaus', ['status', 'stop', 'start', 'boot']), ['status']);
  assert.deepEqual(closest('led', ['ledger', 'ls', 'vault']), ['ledger', 'ls']);
  assert.deepEqual(closest('zzzzzz', ['ledger', 'vault']), []);
});
