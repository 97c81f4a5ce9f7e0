import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { pairAccumulator, proximityScore, type ProximityParams } from './proximity.ts';
import { memorySource } from './testing/memory-source.ts';

const params: ProximityParams = { weight: 1, window: 5, pairs: 'all', k1: 1.2, b: 0.75, fields: ['body'] };
const source = memorySource({
  near: { body: 'boundary layer over a flat plate' },
  far: { body: 'boundary conditions of the problem in a thin layer' },
  split: { title: 'boundary', body: 'layer' },
});
const q = [{ term: 'boundary', weight: 1 }, { term: 'layer', weight: 1 }];
const score = (id: string, p: ProximityParams = params): number => proximityScore(q, source.docs([id]).get(id)!, source.stats, p, (t) => t.weight);

test('pair accumulator: 1/d^2 for each pair of occurrences within the window', () => {
  assert.equal(pairAccumulator([0], [1, 3], 5), 1 + 1 / 9);
  assert.equal(pairAccumulator([10], [1, 3], 5), 0, 'distance 7 and 9: outside the window');
  assert.equal(pairAccumulator([2, 4], [3], 5), 2, 'both neighbours count');
});

test('proximity: adjacent query terms score above the same terms far apart; a pair never spans two fields', () => {
  assert.ok(score('near') > 0);
  assert.equal(score('far'), 0, 'eight positions apart, window 5');
  assert.ok(score('far', { ...params, window: 8 }) > 0);
  assert.ok(score('near') > score('far', { ...params, window: 8 }));
  assert.equal(score('split', { ...params, fields: ['title', 'body'] }), 0);
  assert.equal(proximityScore([q[0]], source.docs(['near']).get('near')!, source.stats, params, () => 1), 0, 'one term: no pair');
  assert.equal(score('near', { ...params, weight: 0.5 }), score('near') / 2);
});

test("proximity 'adjacent' counts only terms next to each other in the query", () => {
  const three = [{ term: 'boundary', weight: 1 }, { term: 'flat', weight: 1 }, { term: 'layer', weight: 1 }];
  const doc = source.docs(['near']).get('near')!;
  const all = proximityScore(three, doc, source.stats, params, () => 1);
  const adjacent = proximityScore(three, doc, source.stats, { ...params, pairs: 'adjacent' }, () => 1);
  assert.ok(adjacent > 0 && adjacent < all, 'boundary-layer (query positions 1 and 3) is left out');
});
