// Our query -> wbsearchentities (items, in the query's language); entities -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, pageSize, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

function languageOf(lang: string | undefined): string {
  return lang !== undefined && /^[a-z]{2,3}(?:-[a-z]{2,8})?$/.test(lang) ? lang : 'en';
}

export function toSearchUrl(query: SearchQuery): string {
  const lang = languageOf(query.lang);
  const url = new URL('https://www.wikidata.org/w/api.php');
  url.search = new URLSearchParams({
    action: 'wbsearchentities', format: 'json', type: 'item', search: query.text,
    language: lang, uselang: lang, limit: String(pageSize(query, 50)), continue: String(query.offset),
  }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  return arrayAt(ENGINE, body, 'search').filter(isRecord).map((e, i) => {
    const id = str(e.id);
    if (!/^[A-Z]\d+$/.test(id)) throw malformed(ENGINE, `an entity with id '${id.slice(0, 20)}'`);
    const label = str(e.label) !== '' ? str(e.label) : id;
    const aliases = Array.isArray(e.aliases) ? e.aliases.filter((a): a is string => typeof a === 'string') : [];
    const text = [str(e.description), aliases.length > 0 ? `also: ${aliases.join(', ')}` : ''].filter((s) => s !== '').join(' · ');
    const meta: Record<string, string | number> = { entity: id };
    if (isRecord(e.match)) meta.matched = str(e.match.type);
    return {
      id,
      engine: ENGINE,
      title: `${label} (${id})`,
      url: `https://www.wikidata.org/wiki/${id}`,
      snippet: marked(text, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}
