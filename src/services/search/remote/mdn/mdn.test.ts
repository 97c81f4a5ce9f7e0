import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createMdnEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createMdnEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/v1/search' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'search.json') } : { status: 404, body: '{"errors":{"q":[{"message":"not found","code":"invalid"}]}}' }),
  query: { text: 'fetch', offset: 0, limit: 10 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.url), ['https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API', 'https://developer.mozilla.org/en-US/docs/Web/API/Window/fetch']);
    assert.equal(hits[0]!.snippet, 'The «Fetch» API provides an interface for «fetching» resources … It is a more powerful & flexible replacement');
    assert.equal(hits[1]!.snippet, 'The «fetch»() method of the Window interface starts the process of «fetching» a resource from the network.');
  },
  errors: [[{ status: 400, body: '{"errors":{"size":[{"message":"Ensure this value is less than or equal to 50.","code":"max_value"}]}}' }, 'bad_request']],
});

test('mdn: English docs, size and page', async () => {
  await search({ text: 'grid', offset: 20, limit: 10 });
  const p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('q'), p.get('locale'), p.get('size'), p.get('page')], ['grid', 'en-US', '10', '3']);
});
