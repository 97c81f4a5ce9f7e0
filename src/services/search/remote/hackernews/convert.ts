// Our query -> /api/v1/search?query=&tags=story&page=&hitsPerPage=; hits ->
// ours. Algolia's <em> highlights become « »; a story without a URL (Ask
// HN) links to its discussion.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, markedFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const url = new URL('https://hn.algolia.com/api/v1/search');
  url.search = new URLSearchParams({ query: query.text, tags: 'story', page: String(Math.floor(query.offset / size)), hitsPerPage: String(size) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 100);
  return arrayAt(ENGINE, body, 'hits').filter(isRecord).slice(query.offset % size).map((h, i) => {
    const id = str(h.objectID);
    const title = str(h.title);
    if (id === '' || title === '') throw malformed(ENGINE, 'a hit without objectID or title');
    const discussion = `https://news.ycombinator.com/item?id=${encodeURIComponent(id)}`;
    const highlighted = isRecord(h._highlightResult) && isRecord(h._highlightResult.title) ? str(h._highlightResult.title.value) : '';
    const facts = `${num(h.points) ?? 0} points · ${num(h.num_comments) ?? 0} comments · ${str(h.created_at).slice(0, 10)}`;
    const meta: Record<string, string | number> = { discussion, points: num(h.points) ?? 0 };
    if (str(h.created_at) !== '') meta.date = str(h.created_at);
    return {
      id,
      engine: ENGINE,
      title: markedFromHtml(title, () => false),
      url: str(h.url) !== '' ? str(h.url) : discussion,
      snippet: highlighted !== '' ? `${markedFromHtml(highlighted, (name) => name === 'em')} · ${facts}` : marked(`${title} · ${facts}`, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}
