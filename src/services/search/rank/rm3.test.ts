import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { expandRm3, relevanceModel, type Rm3Params } from './rm3.ts';
import { memorySource } from './testing/memory-source.ts';

const params: Rm3Params = { feedbackDocs: 2, feedbackTerms: 3, originalWeight: 0.5, minFeedbackDocs: 1, maxDocFraction: 0.5, temperature: 0.2, fields: ['body'] };
// "the" is in every document (above maxDocFraction); "x" is one letter.
const source = memorySource({
  f1: { body: 'flutter panel the panel supersonic x' },
  f2: { body: 'flutter panel the supersonic' },
  other: { body: 'the buckling shell' },
  more: { body: 'the cylinder shell' },
  last: { body: 'the wake' },
});
const docs = source.docs(['f1', 'f2', 'other', 'more', 'last']);

test('RM3 adds the feedback documents\' frequent terms, and keeps the original terms at their share', () => {
  const expanded = expandRm3([{ term: 'flutter', weight: 1 }], [{ id: 'f1', score: 2 }, { id: 'f2', score: 1 }, { id: 'other', score: 0.5 }], docs, source.stats, params);
  const weight = new Map(expanded.map((t) => [t.term, t.weight]));
  assert.ok(weight.has('panel') && weight.has('supersonic'), 'expansion terms from the feedback documents');
  assert.ok(!weight.has('buckling') && !weight.has('shell'), 'the third document is beyond feedbackDocs');
  assert.ok(!weight.has('the'), 'a term in more than maxDocFraction of the documents is no expansion term');
  assert.ok(!weight.has('x'), 'one-letter terms are filtered');
  assert.ok((weight.get('flutter') ?? 0) >= 0.5, 'the original term keeps at least originalWeight');
  assert.ok(Math.abs(expanded.reduce((s, t) => s + t.weight, 0) - 1) < 1e-12, 'weights sum to 1');
  assert.ok((weight.get('panel') ?? 0) > (weight.get('supersonic') ?? 0), 'panel is more frequent in the feedback');
});

test('RM3 without feedback returns the original query, normalised; the model is cut at feedbackTerms', () => {
  assert.deepEqual(expandRm3([{ term: 'a', weight: 2 }, { term: 'b', weight: 2 }], [], docs, source.stats, params), [{ term: 'a', weight: 0.5 }, { term: 'b', weight: 0.5 }]);
  const model = relevanceModel([{ doc: docs.get('f1')!, score: 1 }], source.stats, { ...params, feedbackTerms: 2 });
  assert.equal(model.length, 2);
  assert.equal(model[0].term, 'panel');
});

test('RM3 with minFeedbackDocs 2 leaves out a term found in one feedback document only', () => {
  const model = relevanceModel([{ doc: docs.get('f1')!, score: 1 }, { doc: docs.get('f2')!, score: 1 }], source.stats, { ...params, minFeedbackDocs: 2, feedbackTerms: 10 });
  const terms = model.map((t) => t.term).sort();
  assert.deepEqual(terms, ['flutter', 'panel', 'supersonic'], 'every term of f1 and f2 but "the" (too common) and "x" (one letter)');
  const single = relevanceModel([{ doc: docs.get('other')!, score: 1 }, { doc: docs.get('f2')!, score: 1 }], source.stats, { ...params, minFeedbackDocs: 2, feedbackTerms: 10 });
  assert.deepEqual(single, [], 'no term is in both');
});
