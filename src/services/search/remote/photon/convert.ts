// Our query -> /api?q=&limit=(offset+limit)&lang=; features -> hits.
// Photon has no offset: we ask offset+limit (50 at most) and skip.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, str } from '../engine-http.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';

// Photon's languages (default English); anything else is not sent.
const LANGS = new Set(['en', 'de', 'fr', 'it']);
const OSM_TYPE: Readonly<Record<string, string>> = { N: 'node', W: 'way', R: 'relation' };

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://photon.komoot.io/api/');
  const params = new URLSearchParams({ q: query.text, limit: String(Math.min(Math.max(query.offset + query.limit, 1), 50)) });
  if (query.lang !== undefined && LANGS.has(query.lang)) params.set('lang', query.lang);
  url.search = params.toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (!isRecord(body) || body.type !== 'FeatureCollection') throw malformed(ENGINE, 'the answer is not a GeoJSON FeatureCollection');
  return arrayAt(ENGINE, body, 'features').filter(isRecord).slice(query.offset, query.offset + query.limit).map((f, i) => {
    const coords = isRecord(f.geometry) && Array.isArray(f.geometry.coordinates) ? f.geometry.coordinates : [];
    const lon = num(coords[0]);
    const lat = num(coords[1]);
    const p = isRecord(f.properties) ? f.properties : {};
    if (lon === undefined || lat === undefined) throw malformed(ENGINE, 'a feature without point coordinates');
    const street = [str(p.street), str(p.housenumber)].filter((s) => s !== '').join(' ');
    const parts = [street, str(p.postcode), str(p.city), str(p.state), str(p.country)].filter((s) => s !== '');
    const name = str(p.name) || parts[0] || `${lat}, ${lon}`;
    const place = parts.filter((s) => s !== name);
    const type = OSM_TYPE[str(p.osm_type)];
    const id = type !== undefined && num(p.osm_id) !== undefined ? `${type}/${num(p.osm_id)}` : `${lat},${lon}`;
    const kind = [str(p.osm_key), str(p.osm_value)].filter((s) => s !== '').join('/');
    return {
      id,
      engine: ENGINE,
      title: plain(name),
      url: type !== undefined ? `https://www.openstreetmap.org/${id}` : `https://www.openstreetmap.org/#map=17/${lat}/${lon}`,
      snippet: marked(`${place.join(', ')}${kind !== '' ? ` (${kind})` : ''} · ${lat.toFixed(5)}, ${lon.toFixed(5)}`, query.text),
      score: 1 / (query.offset + i + 1),
      meta: { lat, lon, kind },
    };
  });
}
