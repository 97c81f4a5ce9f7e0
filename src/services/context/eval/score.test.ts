import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreQuestion, summarize } from './score.ts';

const session: Record<string, string> = { a: 'S1', b: 'S1', c: 'S3', x: 'S2', y: 'S2' };
const sessionOf = (id: string): string | undefined => session[id];

test('recall, all, NDCG and session recall of a ranking, computed by hand', () => {
  // Top 3 of [a, x, b, y] against evidence {a, b, c}: a at rank 1, b at rank 3, c missing.
  const s = scoreQuestion(['a', 'x', 'b', 'y'], ['a', 'b', 'c'], ['S1', 'S3'], sessionOf, 3);
  assert.equal(s.recall, 2 / 3);
  assert.equal(s.all, 0);
  // DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal (three relevant in the top 3) = 1 + 1/log2(3) + 1/log2(4).
  assert.ok(Math.abs((s.ndcg ?? 0) - 1.5 / (1.5 + 1 / Math.log2(3))) < 1e-12);
  // The top 3 reach S1 and S2: one of the two answer sessions.
  assert.equal(s.sessionRecall, 0.5);
});

test('only the top k count, an evidence turn counts once, and all@k needs every one', () => {
  assert.deepEqual(scoreQuestion(['x', 'a'], ['a'], [], sessionOf, 1), { recall: 0, all: 0, ndcg: 0 });
  const twice = scoreQuestion(['a', 'a', 'b'], ['a', 'b'], [], sessionOf, 2);
  assert.equal(twice.recall, 0.5);
  assert.equal(twice.ndcg, 1 / (1 + 1 / Math.log2(3)));
  const both = scoreQuestion(['b', 'y', 'a'], ['a', 'b'], ['S1', 'S1'], sessionOf, 3);
  assert.equal(both.all, 1);
  assert.equal(both.sessionRecall, 1, 'an answer session named twice is one session');
});

test('a question with sessions but no evidence turn is scored on sessions only; summaries average what each has', () => {
  const onlySessions = scoreQuestion(['x', 'c'], [], ['S3', 'S9'], sessionOf, 2);
  assert.deepEqual(onlySessions, { sessionRecall: 0.5 });
  const full = scoreQuestion(['a'], ['a'], ['S1'], sessionOf, 1);
  const summary = summarize([onlySessions, full]);
  assert.deepEqual(summary, { questions: 1, recall: 1, all: 1, ndcg: 1, sessionQuestions: 2, sessionRecall: 0.75 });
  assert.deepEqual(summarize([]), { questions: 0, recall: 0, all: 0, ndcg: 0, sessionQuestions: 0, sessionRecall: 0 });
});
