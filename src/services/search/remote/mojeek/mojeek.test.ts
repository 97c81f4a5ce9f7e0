import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createMojeekEngine } from './index.ts';

const dir = import.meta.dirname;
const html = { 'content-type': 'text/html; charset=utf-8' };
const { fake, search } = engineConformance({
  engine: createMojeekEngine(),
  route: (r) => (r.engineUrl.pathname === '/search' ? { headers: html, body: fixture(dir, 'results.html') } : { status: 404, headers: html, body: '<html>Not found</html>' }),
  query: { text: 'privacy search engine', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.url), ['https://www.mojeek.com/about', 'https://en.wikipedia.org/wiki/Mojeek']);
    assert.equal(hits[0]!.title, 'About Mojeek | A web search engine that respects your privacy');
    assert.equal(hits[1]!.snippet, 'Mojeek is a «search» «engine» based in the United Kingdom & uses its own index.');
  },
  blockedPage: { status: 200, headers: html, body: '<html><body><h1>Sorry</h1><p>Your network appears to be sending automated queries.</p></body></html>' },
  malformedBody: '<html><body><p>Maintenance</p></body></html>',
});

test('mojeek: the first page has no s parameter; later pages start at s = 10k+1', async () => {
  fake().reset();
  await search({ text: 'x', offset: 0, limit: 10 });
  await search({ text: 'x', offset: 20, limit: 10 });
  assert.equal(fake().requests[0]!.engineUrl.searchParams.has('s'), false);
  assert.equal(fake().requests[1]!.engineUrl.searchParams.get('s'), '21');
});
