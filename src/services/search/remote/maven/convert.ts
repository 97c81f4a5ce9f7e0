// Our query -> /solrsearch/select?q=&rows=&start=&wt=json; docs -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://search.maven.org/solrsearch/select');
  url.search = new URLSearchParams({ q: query.text, rows: String(pageSize(query, 200)), start: String(query.offset), wt: 'json' }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const response = isRecord(body) ? body.response : undefined;
  return arrayAt(ENGINE, response, 'docs').filter(isRecord).map((d, i) => {
    const g = str(d.g);
    const a = str(d.a);
    if (g === '' || a === '') throw malformed(ENGINE, 'a doc without g or a');
    const version = str(d.latestVersion);
    const updated = num(d.timestamp);
    const facts = [`${g}:${a}`, version !== '' ? `latest ${version}` : '', `${num(d.versionCount) ?? 0} versions`, str(d.p), updated === undefined ? '' : `updated ${new Date(updated).toISOString().slice(0, 10)}`];
    const meta: Record<string, string | number> = { group: g, artifact: a };
    if (version !== '') meta.version = version;
    return {
      id: `${g}:${a}`,
      engine: ENGINE,
      title: version !== '' ? `${g}:${a} ${version}` : `${g}:${a}`,
      url: `https://central.sonatype.com/artifact/${encodeURIComponent(g)}/${encodeURIComponent(a)}`,
      snippet: marked(facts.filter((f) => f !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}
