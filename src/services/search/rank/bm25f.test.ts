import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { bm25f, idf } from './bm25f.ts';
import { memorySource } from './testing/memory-source.ts';
import type { Bm25fParams } from './types.ts';

const params: Bm25fParams = { k1: 1.2, fields: { title: { weight: 2, b: 0.75 }, body: { weight: 1, b: 0.75 } } };
const source = memorySource({
  t: { title: 'wing flutter', body: 'a study of panels' },
  b: { title: 'panels', body: 'a study of wing flutter' },
  twice: { title: 'panels', body: 'wing flutter wing flutter study' },
  long: { title: 'panels', body: 'wing flutter and many other words that make this body long and dilute it' },
  none: { title: 'shells', body: 'buckling of shells' },
});
const score = (id: string, terms: string[]): number => bm25f(terms.map((term) => ({ term, weight: 1 })), source.docs([id]).get(id) ?? { id, fields: {} }, source.stats, params);

test('BM25F: a title match outweighs the same match in the body when the title weighs more', () => {
  assert.ok(score('t', ['flutter']) > score('b', ['flutter']));
  const equal: Bm25fParams = { k1: 1.2, fields: { title: { weight: 1, b: 0 }, body: { weight: 1, b: 0 } } };
  const docs = source.docs(['t', 'b']);
  const q = [{ term: 'flutter', weight: 1 }];
  assert.equal(bm25f(q, docs.get('t')!, source.stats, equal), bm25f(q, docs.get('b')!, source.stats, equal), 'equal weights, no length normalisation: same score');
});

test('BM25F: more occurrences score higher but saturate; a longer field scores lower; an unknown field is not scored', () => {
  const once = score('b', ['flutter']);
  const twice = score('twice', ['flutter']);
  assert.ok(twice > once && twice < 2 * once);
  assert.ok(score('long', ['flutter']) < once);
  assert.equal(score('none', ['flutter']), 0);
  const titleOnly: Bm25fParams = { k1: 1.2, fields: { title: { weight: 1, b: 0.75 } } };
  assert.equal(bm25f([{ term: 'flutter', weight: 1 }], source.docs(['b']).get('b')!, source.stats, titleOnly), 0);
});

test('BM25F: a rarer term counts more (idf), and the query weight scales its part', () => {
  assert.ok(idf(source.stats, 'buckling') > idf(source.stats, 'flutter'));
  assert.ok(idf(source.stats, 'study') >= 0, 'never negative, even for a term in most documents');
  const half = bm25f([{ term: 'flutter', weight: 0.5 }], source.docs(['b']).get('b')!, source.stats, params);
  assert.ok(Math.abs(half - score('b', ['flutter']) / 2) < 1e-12);
});
