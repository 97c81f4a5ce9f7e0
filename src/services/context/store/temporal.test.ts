// The bi-temporal rule as a pure function (temporal.ts); the store's tests
// (context-store.test.ts) check the same cases end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFact, sameText, type BelievedVersion } from './temporal.ts';

const paris: BelievedVersion = { v: 1, id: 'paris', text: 'Paris', validFrom: 100, validTo: undefined };

test('a contradicting fact closes the old validity at its validFrom and keeps the old one', () => {
  const plan = planFact([paris], { text: 'Tokyo', validFrom: 200, validTo: undefined });
  assert.deepEqual(plan.supersede, [1]);
  assert.deepEqual(plan.write, [{ id: undefined, validFrom: 200, validTo: undefined }, { id: 'paris', validFrom: 100, validTo: 200 }]);
  assert.deepEqual(plan.closed, ['paris']);
  assert.deepEqual(plan.retracted, []);
});

test('a repeated fact confirms; the same text differing in case, spacing and full stop is the same fact', () => {
  assert.deepEqual(planFact([paris], { text: ' paris. ', validFrom: 300, validTo: undefined }), {
    confirm: 'paris', supersede: [], write: [], target: 'paris', closed: [], retracted: [],
  });
  assert.ok(sameText('The  user lives in Paris.', 'the user lives in paris'));
  assert.ok(!sameText('Paris', 'Paris, Texas'));
});

test('a correction with an earlier validFrom retracts what it covers entirely and trims what it overlaps', () => {
  const tokyo: BelievedVersion = { v: 3, id: 'tokyo', text: 'Tokyo', validFrom: 200, validTo: undefined };
  const closedParis: BelievedVersion = { ...paris, v: 2, validTo: 200 };
  const plan = planFact([closedParis, tokyo], { text: 'Berlin', validFrom: 150, validTo: undefined });
  assert.deepEqual(plan.supersede, [2, 3]);
  assert.deepEqual(plan.write, [{ id: undefined, validFrom: 150, validTo: undefined }, { id: 'paris', validFrom: 100, validTo: 150 }]);
  assert.deepEqual(plan.closed, ['paris']);
  assert.deepEqual(plan.retracted, ['tokyo']);
});

test('a bounded correction splits the fact it falls inside, keeping both ends under the same id', () => {
  const plan = planFact([paris], { text: 'Rome', validFrom: 200, validTo: 300 });
  assert.deepEqual(plan.write, [
    { id: undefined, validFrom: 200, validTo: 300 },
    { id: 'paris', validFrom: 100, validTo: 200 },
    { id: 'paris', validFrom: 300, validTo: undefined },
  ]);
  assert.deepEqual(plan.retracted, []);
});

test('"actually X since earlier" on a fact that already says X extends it instead of duplicating it', () => {
  const tokyo: BelievedVersion = { v: 3, id: 'tokyo', text: 'Tokyo', validFrom: 200, validTo: undefined };
  const closedParis: BelievedVersion = { ...paris, v: 2, validTo: 200 };
  const plan = planFact([closedParis, tokyo], { text: 'Tokyo', validFrom: 150, validTo: undefined });
  assert.equal(plan.target, 'tokyo');
  assert.equal(plan.confirm, undefined);
  assert.deepEqual(plan.write, [{ id: 'tokyo', validFrom: 150, validTo: undefined }, { id: 'paris', validFrom: 100, validTo: 150 }]);
  assert.deepEqual(plan.supersede, [3, 2]);
});

test('a fact on a time nobody said anything about touches nothing', () => {
  const closedParis: BelievedVersion = { ...paris, validTo: 200 };
  const plan = planFact([closedParis], { text: 'Oslo', validFrom: 10, validTo: 50 });
  assert.deepEqual(plan.supersede, []);
  assert.deepEqual(plan.write, [{ id: undefined, validFrom: 10, validTo: 50 }]);
});
