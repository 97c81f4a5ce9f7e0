// Our query -> /api/literature?q=&size=&page=&fields=...; records -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const FIELDS = 'control_number,titles,authors.full_name,author_count,abstracts,dois,arxiv_eprints,publication_info,citation_count';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const url = new URL('https://inspirehep.net/api/literature');
  url.search = new URLSearchParams({ q: query.text, size: String(size), page: String(Math.floor(query.offset / size) + 1), sort: 'mostrecent', fields: FIELDS }).toString();
  return url.href;
}

const firstValue = (v: unknown, key: string): string => (Array.isArray(v) && isRecord(v[0]) ? str(v[0][key]) : '');

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 100);
  const hits = isRecord(body) ? body.hits : undefined;
  return arrayAt(ENGINE, hits, 'hits').filter(isRecord).slice(query.offset % size).map((r, i) => {
    const id = str(r.id);
    const m = isRecord(r.metadata) ? r.metadata : {};
    const title = textFromHtml(firstValue(m.titles, 'title'));
    if (!/^\d+$/.test(id) || title === '') throw malformed(ENGINE, 'a record without a numeric id or a title');
    const authors = Array.isArray(m.authors) ? m.authors.filter(isRecord).map((a) => str(a.full_name)).filter((s) => s !== '') : [];
    const count = num(m.author_count) ?? authors.length;
    const journal = firstValue(m.publication_info, 'journal_title');
    const year = Array.isArray(m.publication_info) && isRecord(m.publication_info[0]) ? num(m.publication_info[0].year) : undefined;
    const byline = [authors.slice(0, 3).join(', ') + (count > 3 ? ' et al.' : ''), journal, year === undefined ? '' : String(year), `cited by ${num(m.citation_count) ?? 0}`].filter((s) => s !== '').join(' · ');
    const abstract = textFromHtml(firstValue(m.abstracts, 'value'));
    const meta: Record<string, string | number> = { cited: num(m.citation_count) ?? 0 };
    if (firstValue(m.dois, 'value') !== '') meta.doi = firstValue(m.dois, 'value');
    if (firstValue(m.arxiv_eprints, 'value') !== '') meta.arxiv = firstValue(m.arxiv_eprints, 'value');
    return {
      id,
      engine: ENGINE,
      title: plain(title),
      url: `https://inspirehep.net/literature/${id}`,
      snippet: marked(abstract !== '' ? `${byline} — ${abstract}` : byline, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}
