import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEvalSet } from './read-eval-set.ts';
import { runMemoryEval } from './run-eval.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

test('plain BM25 at k=1 on the fixtures gives the figures worked out by hand; every throwaway store is removed', async () => {
  const work = mkdtempSync(join(tmpdir(), 'octant-eval-test-'));
  try {
    const lme = await runMemoryEval(readEvalSet(fixture('longmemeval.json')), { k: 1, methods: ['hybrid', 'bm25'], workDir: work });
    // fx-001: "my sister moved to" is all in the evidence turn: found. fx-003: the 42 km turn shares
    // "i", "kilometres", "on" with the question, the 18 km one only "kilometres": one of two found,
    // and one of its two answer sessions. fx-002_abs: skipped.
    assert.deepEqual([lme.scored, lme.abstention, lme.noEvidence, lme.turns], [2, 1, 0, 14]);
    assert.deepEqual(lme.methods.bm25?.all, { questions: 2, recall: 0.75, all: 0.5, ndcg: 1, sessionQuestions: 2, sessionRecall: 0.75 });
    assert.deepEqual(lme.methods.bm25?.byType['multi-session'], { questions: 1, recall: 0.5, all: 0, ndcg: 1, sessionQuestions: 1, sessionRecall: 0.5 });
    assert.equal(lme.methods.hybrid?.all.questions, 2);

    const locomo = await runMemoryEval(readEvalSet(fixture('locomo.json')), { k: 1, methods: ['bm25'], workDir: work });
    // Categories 4 (twice, one through an image caption) and 2 found first; category 1 one turn of two.
    assert.deepEqual([locomo.scored, locomo.abstention, locomo.unresolvedEvidence, locomo.emptyTurns], [4, 1, 1, 1]);
    assert.equal(locomo.methods.bm25?.all.recall, 0.875);
    assert.equal(locomo.methods.hybrid, undefined, 'only the methods asked for');
    assert.deepEqual(readdirSync(work), [], 'the throwaway stores are gone');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('a question is asked at its date: the store does not yet hold a turn said after it, plain BM25 (no time) does', async () => {
  const lines = [
    { kind: 'turn', conversation: 'c', id: 'early', session: 'a', text: 'Wiremu plays the bagpipes in a band.', at: '2025-01-01T10:00:00Z' },
    { kind: 'turn', conversation: 'c', id: 'late', session: 'b', text: 'Wiremu adopted a tortoise named Kahu.', at: '2025-03-01T10:00:00Z' },
    { kind: 'question', conversation: 'c', id: 'before', type: 'asked-before', text: 'What is the name of the tortoise Wiremu adopted?', at: '2025-02-01T00:00:00Z', evidence: ['late'] },
    { kind: 'question', conversation: 'c', id: 'after', type: 'asked-after', text: 'What is the name of the tortoise Wiremu adopted?', at: '2025-04-01T00:00:00Z', evidence: ['late'] },
  ].map((r) => JSON.stringify(r)).join('\n');
  const report = await runMemoryEval(readEvalSet(lines), { k: 1, methods: ['hybrid', 'bm25'] });
  assert.equal(report.methods.hybrid?.byType['asked-before'].recall, 0);
  assert.equal(report.methods.hybrid?.byType['asked-after'].recall, 1);
  assert.equal(report.methods.bm25?.byType['asked-before'].recall, 1);
  assert.equal(report.lateEvidence, 1, 'the evidence said after the first question is counted');
});

test('a stopped run ends with E_MEMORY_EVAL_STOPPED and leaves no throwaway store', async () => {
  const work = mkdtempSync(join(tmpdir(), 'octant-eval-test-'));
  try {
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(runMemoryEval(readEvalSet(fixture('locomo.json')), { k: 10, methods: ['hybrid', 'bm25'], workDir: work, signal: stop.signal }), (e: unknown) => e instanceof Error && 'code' in e && e.code === 'E_MEMORY_EVAL_STOPPED');
    assert.deepEqual(readdirSync(work), []);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
