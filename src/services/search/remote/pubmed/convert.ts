// Our query -> ESearch (term, retstart, retmax); its PMIDs -> ESummary;
// summaries -> hits, in ESearch's order. No `tool`/`email`/`api_key`:
// NCBI asks for them to contact heavy users, and they would identify us.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { isRecord, malformed, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const BASE = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL(`${BASE}/esearch.fcgi`);
  url.search = new URLSearchParams({ db: 'pubmed', term: query.text, retmode: 'json', retstart: String(query.offset), retmax: String(pageSize(query, 100)), sort: 'relevance' }).toString();
  return url.href;
}

/** The PMIDs of an ESearch answer, in rank order. */
export function idsOf(body: unknown): string[] {
  const result = isRecord(body) ? body.esearchresult : undefined;
  if (!isRecord(result) || !Array.isArray(result.idlist)) throw malformed(ENGINE, 'no esearchresult.idlist in the ESearch answer');
  const ids = result.idlist.filter((id): id is string => typeof id === 'string');
  if (ids.some((id) => !/^\d{1,10}$/.test(id))) throw malformed(ENGINE, 'an ESearch id that is not a PMID');
  return ids;
}

export function toSummaryUrl(ids: readonly string[]): string {
  const url = new URL(`${BASE}/esummary.fcgi`);
  url.search = new URLSearchParams({ db: 'pubmed', id: ids.join(','), retmode: 'json' }).toString();
  return url.href;
}

export function toHits(summary: unknown, ids: readonly string[], query: SearchQuery): SearchHit[] {
  const result = isRecord(summary) ? summary.result : undefined;
  if (!isRecord(result)) throw malformed(ENGINE, 'no result object in the ESummary answer');
  const hits: SearchHit[] = [];
  ids.forEach((pmid, i) => {
    const doc = result[pmid];
    if (!isRecord(doc)) return; // a withdrawn record: ESummary leaves it out
    const title = textFromHtml(str(doc.title));
    if (title === '') throw malformed(ENGINE, `record ${pmid} has no title`);
    const authors = Array.isArray(doc.authors) ? doc.authors.filter(isRecord).map((a) => str(a.name)).filter((s) => s !== '') : [];
    const doi = Array.isArray(doc.articleids) ? doc.articleids.filter(isRecord).find((a) => a.idtype === 'doi') : undefined;
    const journal = str(doc.fulljournalname) || str(doc.source);
    const byline = [authors.slice(0, 3).join(', ') + (authors.length > 3 ? ' et al.' : ''), journal, str(doc.pubdate)].filter((s) => s !== '').join(' · ');
    const meta: Record<string, string | number> = { pmid };
    if (doi !== undefined && str(doi.value) !== '') meta.doi = str(doi.value);
    if (str(doc.pubdate) !== '') meta.date = str(doc.pubdate);
    hits.push({
      id: pmid,
      engine: ENGINE,
      title: plain(title),
      url: `https://pubmed.ncbi.nlm.nih.gov/${pmid}/`,
      snippet: marked(byline, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    });
  });
  return hits;
}
