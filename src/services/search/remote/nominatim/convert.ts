// Our query -> /search?format=jsonv2; places -> hits with coordinates.
// Nominatim has no offset parameter: we ask for offset+limit (it caps at
// 40) and skip the first `offset`.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { isRecord, malformed, num, str } from '../engine-http.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export const MAX_RESULTS = 40;

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://nominatim.openstreetmap.org/search');
  url.search = new URLSearchParams({ q: query.text, format: 'jsonv2', limit: String(Math.min(Math.max(query.offset + query.limit, 1), MAX_RESULTS)) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (!Array.isArray(body)) throw malformed(ENGINE, 'the answer is not a list of places');
  return body.filter(isRecord).slice(query.offset, query.offset + query.limit).map((p, i) => {
    const lat = Number(str(p.lat));
    const lon = Number(str(p.lon));
    const display = str(p.display_name);
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || display === '') throw malformed(ENGINE, 'a place without lat, lon or display_name');
    const osm = str(p.osm_type) !== '' && num(p.osm_id) !== undefined ? `${str(p.osm_type)}/${num(p.osm_id)}` : `place/${str(p.place_id)}`;
    const kind = [str(p.category), str(p.type)].filter((s) => s !== '').join('/');
    return {
      id: osm,
      engine: ENGINE,
      title: plain(str(p.name) !== '' ? str(p.name) : display),
      url: osm.startsWith('place/') ? `https://www.openstreetmap.org/#map=17/${lat}/${lon}` : `https://www.openstreetmap.org/${osm}`,
      snippet: marked(`${display}${kind !== '' ? ` (${kind})` : ''} · ${lat.toFixed(5)}, ${lon.toFixed(5)}`, query.text),
      score: num(p.importance) ?? 1 / (query.offset + i + 1),
      meta: { lat, lon, kind },
    };
  });
}
