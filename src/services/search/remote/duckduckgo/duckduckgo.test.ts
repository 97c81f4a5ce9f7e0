import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { unwrapLink } from './convert.ts';
import { createDuckDuckGoEngine } from './index.ts';

const dir = import.meta.dirname;
const html = { 'content-type': 'text/html; charset=UTF-8' };
const { fake, search } = engineConformance({
  engine: createDuckDuckGoEngine(),
  route: (r) => (r.method === 'POST' && r.engineUrl.pathname === '/html/' ? { headers: { ...html, 'set-cookie': 'kl=wt-wt; path=/' }, body: fixture(dir, 'results.html') } : { status: 405, body: 'method not allowed' }),
  query: { text: 'sqlite fts5', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.url), ['https://www.sqlite.org/fts5.html', 'https://github.com/sqlite/sqlite/blob/master/ext/fts5/fts5.h']);
    assert.equal(hits[0]!.title, 'SQLite FTS5 Extension');
    assert.equal(hits[0]!.snippet, '«FTS5» is an «SQLite» virtual table module that provides full-text search functionality to database applications.');
    assert.equal(hits[1]!.title, 'sqlite/ext/fts5/fts5.h at master · sqlite/sqlite');
    assert.match(hits[1]!.snippet, /^Interfaces to extend «FTS5»\. Using the interfaces defined in this file, "auxiliary functions" can be created$/);
  },
  blockedPage: { status: 202, headers: html, body: fixture(dir, 'challenge.html') },
  errors: [[{ status: 200, headers: html, body: fixture(dir, 'challenge.html') }, 'blocked']],
  malformedBody: '<html><body><p>Something else entirely</p></body></html>',
});

test('duckduckgo: one form POST with q, b and kl only (no vqd, no cookie, no referer)', async () => {
  fake().reset();
  await search({ text: 'sqlite fts5', offset: 0, limit: 10 });
  const r = fake().requests[0]!;
  assert.equal(r.method, 'POST');
  assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(r.body)), { q: 'sqlite fts5', b: '', kl: 'wt-wt' });
  // The answer's Set-Cookie was dropped: a second query sends no cookie either.
  await search();
  assert.equal(fake().requests[1]!.headers.cookie, undefined);
  // Offsets past the first page's results give nothing rather than a vqd request.
  assert.deepEqual(await search({ text: 'sqlite fts5', offset: 30, limit: 10 }), []);
});

test('duckduckgo: redirect links are unwrapped; other schemes are dropped', () => {
  assert.equal(unwrapLink('//duckduckgo.com/l/?uddg=https%3A%2F%2Fexample.org%2Fa%3Fb%3D1&rut=x'), 'https://example.org/a?b=1');
  assert.equal(unwrapLink('//duckduckgo.com/l/?uddg=javascript%3Aalert(1)'), undefined);
  assert.equal(unwrapLink('javascript:alert(1)'), undefined);
  assert.equal(unwrapLink('https://example.org/'), 'https://example.org/');
});
