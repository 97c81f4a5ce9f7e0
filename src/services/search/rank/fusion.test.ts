import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { reciprocalRankFusion, RRF_K } from './fusion.ts';

test('RRF: a document scores the sum of weight / (k + rank) over the lists that hold it', () => {
  const fused = reciprocalRankFusion([{ ids: ['a', 'b', 'c'] }, { ids: ['c', 'a'] }]);
  const score = Object.fromEntries(fused.map((s) => [s.id, s.score]));
  assert.equal(RRF_K, 60);
  assert.equal(score.a, 1 / 61 + 1 / 62);
  assert.equal(score.b, 1 / 62);
  assert.equal(score.c, 1 / 63 + 1 / 61);
  assert.deepEqual(fused.map((s) => s.id), ['a', 'c', 'b'], 'a: ranks 1 and 2; c: ranks 3 and 1');
});

test('RRF takes any number of lists, with weights; a repeated id counts at its best rank; ties order by id', () => {
  const three = reciprocalRankFusion([{ ids: ['x'] }, { ids: ['y'] }, { ids: ['z', 'x'], weight: 2 }], 10);
  assert.deepEqual(three.map((s) => s.id), ['x', 'z', 'y']);
  assert.equal(three[0].score, 1 / 11 + 2 / 12);
  assert.deepEqual(reciprocalRankFusion([{ ids: ['a', 'a', 'b'] }], 10).map((s) => s.score), [1 / 11, 1 / 13]);
  assert.deepEqual(reciprocalRankFusion([{ ids: ['b'] }, { ids: ['a'] }]).map((s) => s.id), ['a', 'b']);
  assert.deepEqual(reciprocalRankFusion([]), []);
});
