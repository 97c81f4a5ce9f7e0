import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DEFAULT_RANK_PARAMS } from './defaults.ts';
import { queryTerms, rankQuery } from './ranker.ts';
import { memorySource } from './testing/memory-source.ts';

// Ten documents about panel flutter, one (pf9) that says it with other words
// (no "flutter"), and filler on other subjects.
const raw: Record<string, Record<string, string>> = {};
for (let i = 0; i < 8; i++) raw[`pf${i}`] = { title: 'panel flutter', body: `supersonic panel flutter aeroelastic stability of plates case ${i}` };
raw.pf9 = { title: 'aeroelastic stability of plates', body: 'supersonic aeroelastic stability of plates and panels' };
for (let i = 0; i < 120; i++) raw[`other${i}`] = { title: `shell buckling ${i}`, body: `buckling of cylindrical shells under axial load number ${i}` };
const source = memorySource(raw);

test('query terms: a repeated term weighs more', () => {
  assert.deepEqual(queryTerms(['flow', 'heat', 'flow']), [{ term: 'flow', weight: 2 }, { term: 'heat', weight: 1 }]);
});

test('ranking: feedback that fetches candidates finds a relevant document lacking the query words; without it the document is not found', () => {
  const plain = rankQuery(['flutter'], source, { ...DEFAULT_RANK_PARAMS, rm3: undefined, regularize: undefined }).map((s) => s.id);
  assert.ok(!plain.includes('pf9'));
  assert.ok(!rankQuery(['flutter'], source, DEFAULT_RANK_PARAMS).some((s) => s.id === 'pf9'), 'feedbackDepth 0: the first candidates are re-scored only');
  const ranked = rankQuery(['flutter'], source, { ...DEFAULT_RANK_PARAMS, feedbackDepth: 50 }).map((s) => s.id);
  assert.ok(ranked.includes('pf9'), ranked.join(' '));
  assert.ok(ranked.slice(0, 9).every((id) => id.startsWith('pf')), 'the flutter documents first');
  assert.ok(!ranked.some((id) => id.startsWith('other')));
});

test('ranking: extra ranked lists join the fusion; an empty query ranks nothing', () => {
  const ranked = rankQuery(['buckling'], source, DEFAULT_RANK_PARAMS, [{ ids: ['pf3'], weight: 5 }]).map((s) => s.id);
  assert.equal(ranked[0], 'pf3');
  assert.deepEqual(rankQuery([], source, DEFAULT_RANK_PARAMS), []);
});
