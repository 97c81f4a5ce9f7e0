import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { averagePrecision, ndcgAt, recallAt } from './metrics.ts';

// One query worked by hand: gains a=3, b=2, d=1, c judged not relevant.
const judged = new Map([['a', 3], ['b', 2], ['c', 0], ['d', 1]]);
const ranked = ['c', 'a', 'x', 'b'];
const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-4, `${actual} != ${expected}`);

test('nDCG@k uses linear gains over log2(rank + 1), normalised by the ideal order of all judged gains', () => {
  // DCG = 3/log2(3) + 2/log2(5) = 1.89279 + 0.86135; IDCG = 3 + 2/log2(3) + 1/2 = 4.76186.
  close(ndcgAt(ranked, judged, 10), 2.75414 / 4.76186);
  // Cut at 2: DCG = 3/log2(3); IDCG = 3 + 2/log2(3).
  close(ndcgAt(ranked, judged, 2), 1.89279 / 4.26186);
  close(ndcgAt(['a', 'b', 'd'], judged, 10), 1);
  assert.equal(ndcgAt(['c', 'x'], judged, 10), 0);
  assert.equal(ndcgAt(['a'], new Map([['a', 0]]), 10), 0, 'no relevant document: 0, not NaN');
});

test('average precision divides by every relevant document, retrieved or not, and counts a repeated document once', () => {
  // a at rank 2 (1/2), b at rank 4 (2/4); three relevant: (0.5 + 0.5) / 3.
  close(averagePrecision(ranked, judged), 1 / 3);
  close(averagePrecision(['c', 'a', 'a', 'x', 'b'], judged), 1 / 3);
  close(averagePrecision(['a', 'b', 'd'], judged), 1);
  assert.equal(averagePrecision([], judged), 0);
});

test('recall@k counts relevant documents among the first k', () => {
  close(recallAt(ranked, judged, 3), 1 / 3);
  close(recallAt(ranked, judged, 100), 2 / 3);
  close(recallAt(['d', 'b', 'a'], judged, 100), 1);
});
