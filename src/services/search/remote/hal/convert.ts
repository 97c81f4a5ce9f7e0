// Our query -> /search/?q=&wt=json&rows=&start=&fl=...; docs -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const FIELDS = 'docid,title_s,authFullName_s,uri_s,producedDateY_i,journalTitle_s,docType_s,abstract_s,doiId_s';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://api.archives-ouvertes.fr/search/');
  url.search = new URLSearchParams({ q: query.text, wt: 'json', rows: String(pageSize(query, 100)), start: String(query.offset), fl: FIELDS }).toString();
  return url.href;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const response = isRecord(body) ? body.response : undefined;
  return arrayAt(ENGINE, response, 'docs').filter(isRecord).map((d, i) => {
    const id = str(d.docid);
    const title = textFromHtml(list(d.title_s)[0] ?? '');
    const uri = str(d.uri_s);
    if (id === '' || title === '' || !/^https:\/\//.test(uri)) throw malformed(ENGINE, 'a doc without docid, title_s or an https uri_s');
    const authors = list(d.authFullName_s);
    const year = num(d.producedDateY_i);
    const byline = [authors.slice(0, 3).join(', ') + (authors.length > 3 ? ' et al.' : ''), str(d.journalTitle_s), str(d.docType_s), year === undefined ? '' : String(year)].filter((s) => s !== '').join(' · ');
    const abstract = textFromHtml(list(d.abstract_s)[0] ?? '');
    const meta: Record<string, string | number> = { type: str(d.docType_s) };
    if (year !== undefined) meta.year = year;
    if (str(d.doiId_s) !== '') meta.doi = str(d.doiId_s);
    return {
      id,
      engine: ENGINE,
      title: plain(title),
      url: uri,
      snippet: marked(abstract !== '' ? `${byline} — ${abstract}` : byline, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}
