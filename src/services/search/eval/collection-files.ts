// Test collections in the formats they are distributed in, for
// `octant search eval` and the benches: documents (SMART, TREC SGML, JSON
// lines), queries (SMART, TREC topics, "id<TAB>text" lines) and judgements
// (TREC qrels; Cranfield's "query doc code"; SMART-era "query doc" pairs,
// as CISI and CACM ship them, where every listed pair is relevant).

import { OctantError } from '../../../lib/errors.ts';
import { parseCranfieldQrels, type CollectionDoc, type CollectionQuery } from './cranfield.ts';
import { parseTrecQrels, type Qrels } from './judgments.ts';
import { parseSmart } from './smart-format.ts';

export const DOC_FORMATS = ['smart', 'trec', 'jsonl'] as const;
export const QUERY_FORMATS = ['smart', 'trec', 'tsv'] as const;
export const QRELS_FORMATS = ['trec', 'cranfield', 'pairs'] as const;
export type DocFormat = (typeof DOC_FORMATS)[number];
export type QueryFormat = (typeof QUERY_FORMATS)[number];
export type QrelsFormat = (typeof QRELS_FORMATS)[number];

function formatError(message: string): OctantError {
  return new OctantError('E_SEARCH_EVAL_FORMAT', message);
}

/** Text of every <tag>...</tag> in `block`, joined, other markup removed. */
function tagText(block: string, tags: readonly string[]): string {
  const parts: string[] = [];
  for (const tag of tags) {
    for (const m of block.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'gi'))) parts.push(m[1]);
  }
  return parts.join(' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

/** SMART: .T title, .W text (+ .K keywords, as CACM has them); authors and sources are left out of ranking. */
export function parseDocs(text: string, format: DocFormat): CollectionDoc[] {
  if (format === 'smart') {
    return parseSmart(text).map((r) => ({
      id: r.id, title: r.fields.T ?? '', body: [r.fields.W, r.fields.K].filter((x) => x !== undefined).join(' '), authors: r.fields.A ?? '', source: r.fields.B ?? '',
    }));
  }
  if (format === 'trec') {
    return [...text.matchAll(/<DOC>([\s\S]*?)<\/DOC>/gi)].map((m, i) => {
      const id = tagText(m[1], ['DOCNO']);
      if (id === '') throw formatError(`TREC documents: document ${i + 1} has no <DOCNO>`);
      return { id, title: tagText(m[1], ['TITLE', 'HEAD', 'HEADLINE', 'HL']), body: tagText(m[1], ['TEXT', 'LEADPARA', 'LP']), authors: '', source: '' };
    });
  }
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    let value: unknown;
    try { value = JSON.parse(line); } catch { throw formatError(`JSON lines: line ${i + 1} is not JSON`); }
    if (typeof value !== 'object' || value === null || !('id' in value)) throw formatError(`JSON lines: line ${i + 1} needs an "id"`);
    const field = (name: string): string => { const v: unknown = Reflect.get(value, name); return typeof v === 'string' ? v : ''; };
    return [{ id: String(Reflect.get(value, 'id')), title: field('title'), body: field('body') || field('text') || field('contents'), authors: '', source: '' }];
  });
}

/**
 * Queries; `ids` 'position' numbers them 1..n in file order (what
 * Cranfield's judgements use), 'given' keeps the file's ids.
 */
export function parseQueries(text: string, format: QueryFormat, ids: 'given' | 'position' = 'given'): CollectionQuery[] {
  let out: CollectionQuery[];
  if (format === 'smart') out = parseSmart(text).map((r) => ({ id: r.id.replace(/^0+(?=\d)/, ''), text: r.fields.W ?? r.fields.T ?? '' }));
  else if (format === 'trec') {
    out = [...text.matchAll(/<top>([\s\S]*?)<\/top>/gi)].map((m) => {
      const num = /<num>\s*(?:Number:)?\s*(\S+)/i.exec(m[1])?.[1] ?? '';
      const title = /<title>\s*(?:Topic:)?([\s\S]*?)(?=<\w+>|$)/i.exec(m[1])?.[1] ?? '';
      return { id: num, text: title.replace(/\s+/g, ' ').trim() };
    });
  } else {
    out = text.split('\n').flatMap((line, i) => {
      if (line.trim() === '') return [];
      const tab = line.indexOf('\t');
      if (tab <= 0) throw formatError(`queries: line ${i + 1}: expected "id<TAB>text"`);
      return [{ id: line.slice(0, tab).trim(), text: line.slice(tab + 1).trim() }];
    });
  }
  return ids === 'position' ? out.map((q, i) => ({ id: String(i + 1), text: q.text })) : out;
}

/** "query doc ..." pairs, every one relevant (gain 1): CISI's CISI.REL, CACM's qrels.text. */
function parsePairs(text: string): Qrels {
  const out = new Map<string, Map<string, number>>();
  text.split('\n').forEach((line, i) => {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 1 && parts[0] === '') return;
    if (parts.length < 2) throw formatError(`qrels line ${i + 1}: expected "query doc"`);
    const query = parts[0].replace(/^0+(?=\d)/, '');
    let docs = out.get(query);
    if (docs === undefined) out.set(query, docs = new Map());
    docs.set(parts[1], 1);
  });
  return out;
}

export function parseQrels(text: string, format: QrelsFormat): Qrels {
  return format === 'trec' ? parseTrecQrels(text) : format === 'cranfield' ? parseCranfieldQrels(text) : parsePairs(text);
}
