import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cosine, regularize, termVector, type RegularizeParams } from './regularize.ts';
import { memorySource } from './testing/memory-source.ts';

const params: RegularizeParams = { depth: 10, neighbours: 2, alpha: 0.5, fields: ['body'] };
const source = memorySource({
  a: { body: 'panel flutter supersonic panel' },
  b: { body: 'panel flutter supersonic' },
  c: { body: 'panel flutter supersonic aeroelastic' },
  lone: { body: 'flutter of a violin string' },
  d: { body: 'buckling of cylinders' },
});
const docs = source.docs(['a', 'b', 'c', 'lone', 'd']);

test('cosine of unit tf-idf vectors: 1 with itself, 0 without a shared term', () => {
  const idfOf = (): number => 1;
  const v = termVector(docs.get('a')!, ['body'], idfOf);
  assert.ok(Math.abs(cosine(v, v) - 1) < 1e-12);
  assert.equal(cosine(v, termVector(docs.get('d')!, ['body'], idfOf)), 0);
});

test('regularisation lifts a document that resembles the top documents above an isolated one with a higher score', () => {
  const ranking = [{ id: 'a', score: 10 }, { id: 'b', score: 9 }, { id: 'lone', score: 8 }, { id: 'c', score: 7 }, { id: 'd', score: 1 }];
  const out = regularize(ranking, docs, source.stats, params).map((s) => s.id);
  assert.ok(out.indexOf('c') < out.indexOf('lone'), out.join(' '));
  assert.deepEqual(regularize(ranking, docs, source.stats, { ...params, alpha: 0 }), ranking, 'alpha 0: unchanged');
  const shallow = regularize(ranking, docs, source.stats, { ...params, depth: 3 });
  assert.deepEqual(shallow.slice(3).map((s) => s.id), ['c', 'd'], 'below the depth the order is kept');
  assert.equal(new Set(shallow.map((s) => s.id)).size, 5);
});

test('regularisation equals the definition computed with plain cosines', () => {
  const ranking = [{ id: 'a', score: 10 }, { id: 'b', score: 9 }, { id: 'lone', score: 8 }, { id: 'c', score: 7 }, { id: 'd', score: 1 }];
  const out = new Map(regularize(ranking, docs, source.stats, params).map((s) => [s.id, s.score]));
  const vec = (id: string) => termVector(docs.get(id)!, ['body'], (t) => Math.log(1 + (source.stats.docCount - source.stats.docFreq(t) + 0.5) / (source.stats.docFreq(t) + 0.5)));
  const own = (s: number) => (s - 1) / 9;
  const others = ranking.filter((r) => r.id !== 'a').map((r) => ({ sim: cosine(vec('a'), vec(r.id)), own: own(r.score) })).sort((x, y) => y.sim - x.sim).slice(0, 2);
  const total = others.reduce((s, o) => s + o.sim, 0);
  const expected = 0.5 * own(10) + 0.5 * others.reduce((s, o) => s + o.sim * o.own, 0) / total;
  assert.ok(Math.abs((out.get('a') ?? 0) - expected) < 1e-12, `${out.get('a')} vs ${expected}`);
});
