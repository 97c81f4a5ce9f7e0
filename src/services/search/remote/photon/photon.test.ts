import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createPhotonEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createPhotonEngine(),
  route: (r) => (r.engineUrl.pathname === '/api/' ? { headers: { 'content-type': 'application/json;charset=utf-8' }, body: fixture(dir, 'api.json') } : { status: 404, body: '{"message":"not found"}' }),
  query: { text: 'berlin', offset: 0, limit: 5 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['node/240109189', 'way/2919620']);
    assert.equal(hits[0]!.snippet, 'Germany (place/city) · 52.51704, 13.38886');
    assert.equal(hits[1]!.title, 'Main Street 12', 'an address without a name is named by its street');
    assert.equal(hits[1]!.snippet, '54923, «Berlin», Wisconsin, United States (place/house) · 44.00325, -89.75850');
    assert.equal(hits[0]!.meta?.lon, 13.3888599);
  },
  malformedBody: '{"type":"Feature"}',
});

test('photon: offset+limit asked, the offset skipped; only Photon\'s languages are sent', async () => {
  const hits = await search({ text: 'berlin', offset: 1, limit: 5, lang: 'de' });
  assert.deepEqual(hits.map((h) => h.id), ['way/2919620']);
  let p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.deepEqual([p.get('limit'), p.get('lang')], ['6', 'de']);
  await search({ text: 'berlin', offset: 0, limit: 5, lang: 'xx' });
  p = fake().requests.at(-1)!.engineUrl.searchParams;
  assert.equal(p.has('lang'), false);
});
