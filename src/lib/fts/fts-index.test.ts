import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { FtsIndex, type FtsDoc } from './fts-index.ts';
import { getDoc, retrieve, searchIndex, termStats, hitSnippet } from './fts-search.ts';

const FIELDS = [{ name: 'title', weight: 4 }, { name: 'body', weight: 1 }];

function fresh(docs: FtsDoc[] = []): FtsIndex {
  const index = FtsIndex.open(new DatabaseSync(':memory:'), 't', { fields: FIELDS, lang: 'en' });
  index.upsertMany(docs);
  return index;
}

const doc = (id: string, title: string, body: string, meta?: Record<string, string | number>): FtsDoc => ({ id, fields: { title, body }, ...(meta ? { meta } : {}) });
const ids = (index: FtsIndex, q: string, options = {}): string[] => searchIndex(index, q, options).hits.map((h) => h.id);

const CORPUS = [
  doc('a', 'Boundary layers on wings', 'Laminar flow over a flat plate.', { section: '1', lang: 'en' }),
  doc('b', 'Shock waves', 'The boundary layer thickens behind a shock; heat transfer rises.', { section: '2', lang: 'en' }),
  doc('c', 'Heat transfer in nozzles', 'Turbulent heat flux near the throat.', { section: '1', lang: 'fr' }),
  doc('d', 'Layered composites', 'Layer after layer of composite boundary material.', { section: '3', lang: 'en' }),
];
// Documents without the words above: with four documents only, a word in two
// of them has a BM25 idf of ln(2.5/2.5) = 0 (clamped by FTS5), and its
// scores would not rank anything.
const FILLER = Array.from({ length: 8 }, (_, i) => doc(`z${i}`, `Filler ${i}`, 'Nothing relevant in here.'));

test('add, change, unchanged and delete: an unchanged document is a no-op, a changed one is re-indexed', () => {
  const index = fresh();
  assert.deepEqual(index.upsertMany(CORPUS), { added: 4, changed: 0, unchanged: 0 });
  assert.deepEqual(index.upsertMany(CORPUS), { added: 0, changed: 0, unchanged: 4 });
  assert.equal(index.upsert(doc('c', 'Heat transfer in nozzles', 'Now about cooling only.')), 'changed');
  assert.deepEqual(ids(index, 'turbulent'), []);
  assert.deepEqual(ids(index, 'cooling'), ['c']);
  assert.equal(index.remove('c'), true);
  assert.equal(index.remove('c'), false);
  assert.deepEqual(ids(index, 'cooling'), []);
  assert.equal(index.count(), 3);
  assert.equal(index.stats().docs, 3);
  // The total length follows changes and removals.
  const expected = ['a', 'b', 'd'].reduce((n, id) => n + termStats(index).docLength(id)!, 0);
  assert.equal(index.totalLength(), expected);
});

test('a pass removes what it did not see, and records the build', () => {
  const index = fresh(CORPUS);
  const gen = index.beginPass();
  index.upsert(CORPUS[0]!, gen);
  index.upsert(CORPUS[1]!, gen);
  assert.equal(index.endPass(gen, 1234), 2);
  assert.deepEqual(ids(index, 'boundary').sort(), ['a', 'b']);
  assert.equal(index.stats().lastBuild, 1234);
  assert.equal(index.beginPass(), gen + 1);
});

test('query syntax: AND by default, phrases, prefixes, OR, NOT, groups, field restriction', () => {
  const index = fresh(CORPUS);
  assert.deepEqual(ids(index, 'boundary heat'), ['b']);
  assert.deepEqual(ids(index, '"boundary layer"').sort(), ['a', 'b']);
  // A phrase is in order: d has "layer ... boundary" but not "boundary layer".
  assert.deepEqual(ids(index, '"layer boundary"'), []);
  assert.deepEqual(ids(index, 'nozz*'), ['c']);
  // "running*"-style prefixes also match their own stem.
  assert.deepEqual(ids(index, 'layered*').sort(), ['a', 'b', 'd']);
  assert.deepEqual(ids(index, 'shock OR nozzles').sort(), ['b', 'c']);
  assert.deepEqual(ids(index, 'heat -turbulent'), ['b']);
  assert.deepEqual(ids(index, 'heat NOT turbulent'), ['b']);
  assert.deepEqual(ids(index, '(shock OR laminar) boundary').sort(), ['a', 'b']);
  assert.deepEqual(ids(index, 'title:layer').sort(), ['a', 'd']);
  assert.deepEqual(ids(index, '-boundary'), ['c']);
  assert.deepEqual(ids(index, '"layer composite boundary"'), ['d']);
  assert.deepEqual(ids(index, 'the of'), []);
});

test('filters: field:value in the query and in options, negated, on numbers too', () => {
  const index = fresh([...CORPUS, doc('e', 'Heat shields', 'Ablative heat protection.', { section: 1, lang: 'en' })]);
  assert.deepEqual(ids(index, 'heat section:1').sort(), ['c', 'e']);
  assert.deepEqual(ids(index, 'heat -lang:fr').sort(), ['b', 'e']);
  assert.deepEqual(ids(index, 'heat', { filters: { lang: 'fr' } }), ['c']);
  assert.deepEqual(ids(index, 'section:3'), ['d']);
  assert.deepEqual(ids(index, 'heat missing:x'), []);
});

test('bad queries are refused with E_SEARCH_QUERY naming the problem; FTS5 syntax in words is only text', () => {
  const index = fresh(CORPUS);
  for (const [q, why] of [['(heat', /not closed/], ['heat OR', /nothing on its right/], ['a:', /no value/], ['x'.repeat(3000), /longer/], ['(heat OR -shock)', /NOT/], [`${'('.repeat(20)}heat${')'.repeat(20)}`, /deeper/]] as const) {
    assert.throws(() => searchIndex(index, q), (e: Error & { code?: string }) => e.code === 'E_SEARCH_QUERY' && why.test(e.message), q.slice(0, 30));
  }
  // Words that are FTS5 operators or syntax elsewhere are plain words here.
  assert.deepEqual(ids(index, 'NEAR(heat transfer) {title}:heat "heat" + ^heat'), []);
  assert.deepEqual(ids(index, 'heat* "transfer'), ['c', 'b']);
});

test('ranking: a title match beats a body match; a phrase match beats scattered words', () => {
  const index = fresh([
    doc('body', 'Notes', 'Something about propellers, among other things, in passing.'),
    doc('title', 'Propellers', 'General notes.'),
    doc('scattered', 'Report', 'The boundary of the test section; a layer of paint.'),
    doc('phrase', 'Report', 'The boundary layer of the test section; some paint.'),
    ...FILLER,
  ]);
  assert.deepEqual(ids(index, 'propellers'), ['title', 'body']);
  assert.deepEqual(ids(index, '"boundary layer"'), ['phrase']);
  const both = searchIndex(index, 'boundary layer').hits;
  assert.equal(both.length, 2);
  assert.ok(both.every((h) => h.score > 0));
});

test('pagination: offset and limit walk the ranked list without overlap; more tells when a page follows', () => {
  const docs = Array.from({ length: 25 }, (_, i) => doc(`d${i}`, `Item ${i}`, `wing ${'wing '.repeat(i % 7)}`));
  const index = fresh(docs);
  const seen: string[] = [];
  for (let offset = 0; ; offset += 10) {
    const page = searchIndex(index, 'wing', { offset, limit: 10 });
    seen.push(...page.hits.map((h) => h.id));
    for (let i = 1; i < page.hits.length; i++) assert.ok(page.hits[i - 1]!.score >= page.hits[i]!.score);
    if (!page.more) break;
  }
  assert.equal(seen.length, 25);
  assert.equal(new Set(seen).size, 25);
});

test('snippets: the window with the query terms, highlighted with « », stems matched', () => {
  const long = `${'Unrelated filler words here. '.repeat(40)}Then the wings were tested in the tunnel. ${'More filler text. '.repeat(40)}`;
  const index = fresh([doc('s', 'Wind tunnel', long)]);
  const result = searchIndex(index, 'wing tunnel');
  const snippet = hitSnippet(index, result.hits[0]!, result.query);
  assert.match(snippet, /^….*«wings» were tested in the «tunnel».*…$/);
  assert.ok(snippet.length < 300);
  // A long document: the scan stops at the first window holding every term,
  // and the snippet still ends with "…" where the text goes on.
  const huge = `Wings and tunnels. ${'filler '.repeat(20_000)}`;
  const big = fresh([doc('h', 'Huge', huge)]);
  const early = searchIndex(big, 'wing tunnel');
  assert.match(hitSnippet(big, early.hits[0]!, early.query), /^«Wings» and «tunnels»\. filler.*…$/);
  const late = fresh([doc('l', 'Late', `${'filler '.repeat(5_000)}the wing at last ${'filler '.repeat(50)}`)]);
  const lateResult = searchIndex(late, 'wing');
  assert.match(hitSnippet(late, lateResult.hits[0]!, lateResult.query), /^…filler filler filler the «wing» at last filler.*…$/);
  const prefix = searchIndex(index, 'tunn*');
  assert.match(hitSnippet(index, prefix.hits[0]!, prefix.query), /«tunnel»/);
});

test('for ranking: weighted BM25 retrieval, term statistics, a document\'s terms', () => {
  const index = fresh([...CORPUS, ...FILLER]);
  const stats = termStats(index);
  assert.equal(stats.docs, 12);
  assert.equal(stats.df('boundari'), 3);
  assert.equal(stats.df('nothing'), 0);
  assert.ok(stats.avgLength > 0);
  assert.deepEqual(stats.docTerms('c'), { title: ['heat', 'transfer', 'nozzl'], body: ['turbul', 'heat', 'flux', 'near', 'throat'] });
  const plain = retrieve(index, [{ term: 'heat' }, { term: 'shock' }]);
  assert.deepEqual(plain.map((r) => r.id), ['b', 'c']);
  // Weighting one term up changes the order.
  const weighted = retrieve(index, [{ term: 'heat', weight: 5 }, { term: 'shock', weight: 0.1 }]);
  assert.equal(weighted[0]!.id, 'c');
  // Equal weights give FTS5's own OR ranking.
  const or = searchIndex(index, 'heat OR shock').hits;
  assert.deepEqual(or.map((h) => h.id), plain.map((r) => r.id));
  assert.ok(Math.abs(or[0]!.score - plain[0]!.score) < 1e-9);
  assert.equal(getDoc(index, 'a')!.meta.section, '1');
});

test('reopening keeps fields and language; other fields or language are refused', () => {
  const db = new DatabaseSync(':memory:');
  FtsIndex.open(db, 'x', { fields: FIELDS, lang: 'en' }).upsert(CORPUS[0]!);
  assert.equal(FtsIndex.open(db, 'x').count(), 1);
  assert.equal(FtsIndex.open(db, 'x', { fields: [{ name: 'title', weight: 1 }, { name: 'body', weight: 2 }], lang: 'en' }).count(), 1);
  assert.throws(() => FtsIndex.open(db, 'x', { fields: FIELDS, lang: 'fr' }), /E_FTS_CONFIG|cannot be reopened/);
  assert.throws(() => FtsIndex.open(db, 'y'), (e: Error & { code?: string }) => e.code === 'E_FTS_MISSING');
  assert.throws(() => FtsIndex.open(db, 'Bad-Name', { fields: FIELDS, lang: 'en' }), (e: Error & { code?: string }) => e.code === 'E_FTS_CONFIG');
  assert.throws(() => FtsIndex.open(db, 'z', { fields: [{ name: 'rowid', weight: 1 }], lang: 'en' }), /rowid/);
});
