import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createWibyEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createWibyEngine(),
  route: (r) => (r.engineUrl.pathname === '/json/' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'json.json') } : { status: 404, body: '' }),
  query: { text: 'vintage computers', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.url), ['http://www.example-retro.net/computers/', 'https://text.example.org/hypertext.html']);
    assert.equal(hits[0]!.title, 'Retro Computers & Old Machines');
    assert.equal(hits[1]!.title, 'https://text.example.org/hypertext.html', 'a page without a title is named by its URL');
    assert.equal(hits[0]!.snippet, 'A page about «vintage» «computers», kept simple, no scripts.');
  },
  malformedBody: '{"not": "a list"}',
});

test('wiby: the first page has no p; later pages do', async () => {
  fake().reset();
  await search({ text: 'x', offset: 0, limit: 10 });
  await search({ text: 'x', offset: 24, limit: 10 });
  assert.equal(fake().requests[0]!.engineUrl.searchParams.has('p'), false);
  assert.equal(fake().requests[1]!.engineUrl.searchParams.get('p'), '3');
});
