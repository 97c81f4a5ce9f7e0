import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createNominatimEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createNominatimEngine(),
  route: (r) => (r.engineUrl.pathname === '/search' && r.engineUrl.searchParams.get('format') === 'jsonv2' ? { headers: { 'content-type': 'application/json; charset=utf-8' }, body: fixture(dir, 'search-jsonv2.json') } : { status: 400, body: '{"error":{"code":400,"message":"Parameter \'format\' must be one of: xml, json, jsonv2, geojson, geocodejson"}}' }),
  query: { text: 'London', offset: 0, limit: 5 },
  check(hits) {
    assert.deepEqual(hits.map((h) => h.id), ['node/107775', 'relation/7485368']);
    assert.equal(hits[0]!.url, 'https://www.openstreetmap.org/node/107775');
    assert.equal(hits[0]!.snippet, '«London», Greater «London», England, United Kingdom (place/city) · 51.50732, -0.12765');
    assert.equal(hits[1]!.meta?.lat, 42.9832406);
  },
  malformedBody: '{"not":"a list"}',
});

test('nominatim: no offset parameter exists, so offset+limit are asked and the first offset skipped', async () => {
  const hits = await search({ text: 'London', offset: 1, limit: 5 });
  assert.deepEqual(hits.map((h) => h.id), ['relation/7485368']);
  assert.equal(fake().requests.at(-1)!.engineUrl.searchParams.get('limit'), '6');
});
