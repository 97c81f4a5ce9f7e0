// Our query -> /dois?query=&page[size]=&page[number]=; DOI records -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 1000);
  const url = new URL('https://api.datacite.org/dois');
  url.search = new URLSearchParams({ query: query.text, 'page[size]': String(size), 'page[number]': String(Math.floor(query.offset / size) + 1) }).toString();
  return url.href;
}

const firstOf = (v: unknown, key: string): string => (Array.isArray(v) && isRecord(v[0]) ? str(v[0][key]) : '');

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 1000);
  return arrayAt(ENGINE, body, 'data').filter(isRecord).slice(query.offset % size).map((d, i) => {
    const a = isRecord(d.attributes) ? d.attributes : {};
    const doi = str(a.doi);
    const title = textFromHtml(firstOf(a.titles, 'title'));
    if (!doi.startsWith('10.') || title === '') throw malformed(ENGINE, 'a record without a DOI or a title');
    const creators = Array.isArray(a.creators) ? a.creators.filter(isRecord).map((c) => str(c.name)).filter((s) => s !== '') : [];
    const publisher = isRecord(a.publisher) ? str(a.publisher.name) : str(a.publisher);
    const type = isRecord(a.types) ? str(a.types.resourceTypeGeneral) : '';
    const year = num(a.publicationYear);
    const byline = [creators.slice(0, 3).join('; ') + (creators.length > 3 ? ' et al.' : ''), publisher, type, year === undefined ? '' : String(year)].filter((s) => s !== '').join(' · ');
    const description = textFromHtml(firstOf(a.descriptions, 'description'));
    const meta: Record<string, string | number> = { doi };
    if (type !== '') meta.type = type;
    if (year !== undefined) meta.year = year;
    return {
      id: doi.toLowerCase(),
      engine: ENGINE,
      title: plain(title),
      url: `https://doi.org/${doi}`,
      snippet: marked(description !== '' ? `${byline} — ${description}` : byline, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}
