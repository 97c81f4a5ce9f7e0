import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchHit } from '../types.ts';
import { RRF_K, mergeHits, normalizeUrl } from './merge.ts';

const hit = (engine: string, url: string | undefined, title = url ?? 'x', snippet = ''): SearchHit => ({ id: url ?? title, engine, title, url, snippet, score: 0 });

test('normalizeUrl: case, scheme, www, default port, slash, fragment, trackers and order do not matter', () => {
  const same = [
    'https://Example.COM/a/b/?x=1&y=2#frag',
    'http://www.example.com:80/a/b?y=2&x=1&utm_source=news&utm_medium=rss',
    'https://example.com:443/a/b?x=1&y=2&gclid=123&fbclid=9',
  ];
  for (const u of same) assert.equal(normalizeUrl(u), 'example.com/a/b?x=1&y=2', u);
  // Twins that must stay apart: path case, a real parameter, a port.
  assert.notEqual(normalizeUrl('https://example.com/A'), normalizeUrl('https://example.com/a'));
  assert.notEqual(normalizeUrl('https://example.com/a?id=1'), normalizeUrl('https://example.com/a?id=2'));
  assert.notEqual(normalizeUrl('https://example.com:8443/a'), normalizeUrl('https://example.com/a'));
  assert.equal(normalizeUrl('https://example.com'), 'example.com/');
  assert.equal(normalizeUrl('not a url'), 'not a url');
});

test('mergeHits: duplicates across engines become one hit, fused by reciprocal rank', () => {
  const a = [hit('ddg', 'https://a.org/x'), hit('ddg', 'https://b.org/'), hit('ddg', 'https://c.org/')];
  const b = [hit('mojeek', 'https://c.org', 'C', 'snippet from mojeek'), hit('mojeek', 'http://www.a.org/x/?utm_campaign=z')];
  const merged = mergeHits([a, b]);
  assert.deepEqual(merged.map((h) => h.url), ['https://a.org/x', 'https://c.org', 'https://b.org/']);
  assert.equal(merged[0]!.score, 1 / (RRF_K + 1) + 1 / (RRF_K + 2));
  assert.equal(merged[0]!.meta?.engines, 'ddg,mojeek');
  // c.org was found at rank 3 and rank 1: the best-ranked copy (mojeek's) is kept.
  assert.equal(merged[1]!.engine, 'mojeek');
  assert.equal(merged[1]!.snippet, 'snippet from mojeek');
  assert.equal(merged[2]!.meta?.engines, 'ddg');
});

test('mergeHits: hits without a URL merge only within their engine; an engine repeating a page counts once; empty lists', () => {
  const merged = mergeHits([[hit('w', undefined, 'T'), hit('w', 'https://x.org/'), hit('w', 'https://x.org')], [hit('v', undefined, 'T')]]);
  assert.equal(merged.length, 3);
  assert.equal(merged.find((h) => h.url === 'https://x.org/')!.score, 1 / (RRF_K + 2));
  assert.deepEqual(mergeHits([]), []);
  assert.deepEqual(mergeHits([[], []]), []);
  // A snippet missing on the best copy is filled from another.
  const filled = mergeHits([[hit('a', 'https://p.org/', 'P', '')], [hit('b', 'https://p.org/', 'P', 'from b')]]);
  assert.equal(filled[0]!.snippet, 'from b');
  assert.equal(filled[0]!.engine, 'a');
});
