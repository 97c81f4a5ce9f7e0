// Our query -> /works?query=&rows=&offset=&select=...; works -> hits. The
// select list keeps answers small (a work can carry hundreds of references).
// No `mailto`: Crossref's "polite pool" would tie queries to an address.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const SELECT = 'DOI,URL,title,container-title,author,issued,type,publisher,score,abstract';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://api.crossref.org/works');
  url.search = new URLSearchParams({ query: query.text, rows: String(pageSize(query, 100)), offset: String(query.offset), select: SELECT }).toString();
  return url.href;
}

function firstOf(value: unknown): string {
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
}

function authorsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((a) => (str(a.name) !== '' ? str(a.name) : [str(a.given), str(a.family)].filter((s) => s !== '').join(' '))).filter((s) => s !== '');
}

function yearOf(issued: unknown): number | undefined {
  if (!isRecord(issued) || !Array.isArray(issued['date-parts'])) return undefined;
  const first: unknown = issued['date-parts'][0];
  return Array.isArray(first) ? num(first[0]) : undefined;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (!isRecord(body) || !isRecord(body.message)) throw malformed(ENGINE, "no 'message' object in the answer");
  return arrayAt(ENGINE, body.message, 'items').filter(isRecord).map((w, i) => {
    const doi = str(w.DOI);
    if (doi === '') throw malformed(ENGINE, 'a work without a DOI');
    const authors = authorsOf(w.author);
    const year = yearOf(w.issued);
    const venue = firstOf(w['container-title']);
    const byline = [authors.slice(0, 3).join(', ') + (authors.length > 3 ? ' et al.' : ''), venue, year === undefined ? '' : String(year)].filter((s) => s !== '').join(' · ');
    const abstract = textFromHtml(str(w.abstract));
    const meta: Record<string, string | number> = { doi, type: str(w.type) };
    if (year !== undefined) meta.year = year;
    if (venue !== '') meta.venue = venue;
    return {
      id: doi.toLowerCase(),
      engine: ENGINE,
      title: plain(textFromHtml(firstOf(w.title) || doi)),
      url: str(w.URL) !== '' ? str(w.URL).replace(/^http:/, 'https:') : `https://doi.org/${doi}`,
      snippet: marked(abstract !== '' ? `${byline} — ${abstract}` : byline, query.text),
      score: num(w.score) ?? 1 / (query.offset + i + 1),
      meta,
    };
  });
}
