import { strict as assert } from 'node:assert';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { FtsIndex } from '../../../lib/fts/fts-index.ts';
import { fieldTotals, ftsRankSource } from './fts-source.ts';
import { localSearch } from './ranked-search.ts';

function withIndex(fn: (index: FtsIndex) => void): void {
  const db = new DatabaseSync(':memory:');
  try {
    const index = FtsIndex.open(db, 't', { fields: [{ name: 'title', weight: 4 }, { name: 'body', weight: 1 }], lang: 'en' });
    index.upsertMany([
      { id: 'all', fields: { title: 'Turbulent heat transfer', body: 'heat transfer in turbulent pipe flow' }, meta: { lang: 'en' } },
      { id: 'heat', fields: { title: 'Heat', body: 'heat conduction in slabs' }, meta: { lang: 'en' } },
      { id: 'flow', fields: { title: 'Pipe flow', body: 'laminar pipe flow' }, meta: { lang: 'de' } },
      { id: 'none', fields: { title: 'Shells', body: 'buckling of shells' }, meta: { lang: 'en' } },
    ]);
    fn(index);
  } finally {
    db.close();
  }
}

const ids = (index: FtsIndex, text: string, options = {}): string[] => localSearch(index, text, options).hits.map((h) => h.id);

test('plain words: every document holding any word is ranked, the one holding all of them first', () => {
  withIndex((index) => {
    const found = ids(index, 'turbulent pipe heat flow');
    assert.equal(found[0], 'all');
    assert.deepEqual([...found].sort(), ['all', 'flow', 'heat']);
    assert.deepEqual(ids(index, 'turbulent pipe heat flow', { filters: { lang: 'en' } }).sort(), ['all', 'heat'], 'filters apply');
    assert.deepEqual(ids(index, 'pipe lang:de'), ['flow'], 'a filter in the query text applies');
    const first = localSearch(index, 'turbulent pipe heat flow', { limit: 1 });
    assert.equal(first.hits.length, 1);
    assert.equal(first.more, true);
    assert.deepEqual(ids(index, 'turbulent pipe heat flow', { offset: 1, limit: 5 }), found.slice(1));
  });
});

test('query syntax keeps strict matching; a strict query with no hit is relaxed to the ranking, unless it excludes words', () => {
  withIndex((index) => {
    assert.deepEqual(ids(index, '"pipe flow"').sort(), ['all', 'flow']);
    assert.deepEqual(ids(index, 'heat -turbulent'), ['heat']);
    assert.deepEqual(ids(index, 'title:pipe'), ['flow']);
    assert.deepEqual(ids(index, '"heat pipe"').sort(), ['all', 'flow', 'heat'], 'no such phrase: the words are ranked');
    assert.deepEqual(ids(index, '"heat pipe" -laminar'), [], 'an exclusion is never dropped');
    assert.deepEqual(ids(index, 'zzz'), []);
  });
});

test('the rank source reads per-field totals from FTS5 and analyzes candidates with the index analyzer', () => {
  withIndex((index) => {
    const totals = fieldTotals(index);
    assert.ok(totals !== undefined && totals.length === 2);
    assert.equal(totals[0], 7, 'title terms: turbulent heat transfer / heat / pipe flow / shells');
    const source = ftsRankSource(index, []);
    assert.equal(source.stats.docCount, 4);
    assert.equal(source.stats.avgFieldLength.title, 7 / 4);
    const cands = source.candidates(['heat'], 10);
    assert.deepEqual([...cands].sort(), ['all', 'heat']);
    assert.deepEqual(source.docs(['heat']).get('heat')?.fields.body, index.analyzer.terms('heat conduction in slabs'));
  });
});
