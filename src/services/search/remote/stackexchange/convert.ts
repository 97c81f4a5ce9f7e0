// Our query -> /2.3/search/advanced; question objects -> hits. Titles come
// HTML-escaped (the API's default "safe" filter); the snippet is built from
// the tags and counts, since the default filter carries no body.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { decodeEntities } from '../markup.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';

/** A Stack Exchange site slug ('stackoverflow', 'superuser', 'math'); filters.site picks one. */
export function siteOf(query: SearchQuery): string {
  const site = query.filters?.site;
  return site !== undefined && /^[a-z][a-z.-]{1,40}$/.test(site) ? site : 'stackoverflow';
}

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const url = new URL('https://api.stackexchange.com/2.3/search/advanced');
  url.search = new URLSearchParams({
    order: 'desc', sort: 'relevance', q: query.text, site: siteOf(query),
    page: String(Math.floor(query.offset / size) + 1), pagesize: String(size),
  }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const site = siteOf(query);
  const size = pageSize(query, 100);
  const skip = query.offset % size;
  return arrayAt(ENGINE, body, 'items').filter(isRecord).slice(skip).map((q, i) => {
    const id = num(q.question_id);
    const link = str(q.link);
    if (id === undefined || link === '') throw malformed(ENGINE, 'a question without question_id or link');
    const tags = Array.isArray(q.tags) ? q.tags.filter((t): t is string => typeof t === 'string') : [];
    const facts = [`score ${num(q.score) ?? 0}`, `${num(q.answer_count) ?? 0} answers${q.is_answered === true ? ' (answered)' : ''}`];
    if (tags.length > 0) facts.push(`tags: ${tags.join(', ')}`);
    const meta: Record<string, string | number> = { site, score: num(q.score) ?? 0, answers: num(q.answer_count) ?? 0 };
    if (num(q.creation_date) !== undefined) meta.created = new Date(num(q.creation_date)! * 1000).toISOString();
    return {
      id: `${site}:${id}`,
      engine: ENGINE,
      title: plain(decodeEntities(str(q.title))),
      url: link,
      snippet: marked(facts.join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}
