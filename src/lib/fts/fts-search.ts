// Reading a full-text index (fts-index.ts): ranked search in the query
// language (query-parse.ts) with metadata filters and pagination, a BM25
// retrieval over weighted terms (what query expansion and fusion build on),
// term statistics, and snippets.
//
// Scores are FTS5's bm25() with the fields' weights, negated so that higher
// is better (FTS5 returns smaller-is-better; sqlite.org/fts5.html §5.1.1).
// A page is found in two steps: rowids and scores of the page (a sort over
// small rows), then the stored documents of that page only.

import type { StatementSync } from 'node:sqlite';
import type { FtsIndex, MetaValue } from './fts-index.ts';
import { compileQuery, type CompiledQuery, type MetaFilter } from './query-compile.ts';
import { parseQuery, queryError } from './query-parse.ts';
import { makeSnippet, type SnippetOptions } from './snippet.ts';

export interface FtsSearchOptions {
  offset?: number;
  /** Default 10, at most 1,000. */
  limit?: number;
  /** Exact-match metadata filters, ANDed with those in the query text. */
  filters?: Readonly<Record<string, string>>;
}

export interface FtsHit {
  id: string;
  score: number;
  fields: Record<string, string>;
  meta: Record<string, MetaValue>;
}

export interface FtsResult {
  hits: FtsHit[];
  /** More hits follow this page. */
  more: boolean;
  query: CompiledQuery;
}

export interface WeightedTerm {
  /** An analyzed term (Analyzer.term / terms), not a raw word. */
  term: string;
  /** Multiplies the term's BM25 contribution (default 1). */
  weight?: number;
}

export interface ScoredId {
  id: string;
  score: number;
}

export const MAX_LIMIT = 1_000;
const META_KEY = /^[A-Za-z_][\w.-]{0,63}$/;

function bm25(index: FtsIndex): string {
  return `bm25(${index.name}_fts${index.config.fields.map((f) => `, ${f.weight}`).join('')})`;
}

function filterSql(filters: readonly MetaFilter[], params: (string | number)[]): string {
  let sql = '';
  for (const f of filters) {
    if (!META_KEY.test(f.key)) throw queryError(`filter name '${f.key}' must be letters, digits, '_', '.', '-'`);
    params.push(`$."${f.key}"`, f.value);
    sql += f.negated
      ? ' AND coalesce(CAST(json_extract(d.meta, ?) AS TEXT) != ?, 1)'
      : ' AND CAST(json_extract(d.meta, ?) AS TEXT) = ?';
  }
  return sql;
}

/** Parse, compile and run `text` against `index`. */
export function searchIndex(index: FtsIndex, text: string, options: FtsSearchOptions = {}): FtsResult {
  const query = compileQuery(parseQuery(text), index.analyzer, index.fieldNames);
  for (const [key, value] of Object.entries(options.filters ?? {})) query.filters.push({ key, value, negated: false });
  return runQuery(index, query, options);
}

export function runQuery(index: FtsIndex, query: CompiledQuery, options: FtsSearchOptions = {}): FtsResult {
  const offset = Math.max(0, Math.trunc(options.offset ?? 0));
  const limit = Math.min(MAX_LIMIT, Math.max(0, Math.trunc(options.limit ?? 10)));
  if (limit === 0 || (query.match === undefined && query.exclude === undefined && query.filters.length === 0)) {
    return { hits: [], more: false, query };
  }
  const p = index.name;
  const params: (string | number)[] = [];
  let sql: string;
  if (query.match !== undefined) {
    params.push(query.match);
    const filters = filterSql(query.filters, params);
    sql = filters === ''
      ? `SELECT rowid, ${bm25(index)} AS score FROM ${p}_fts WHERE ${p}_fts MATCH ? ORDER BY score LIMIT ? OFFSET ?`
      : `SELECT ${p}_fts.rowid AS rowid, ${bm25(index)} AS score FROM ${p}_fts JOIN ${p}_docs d ON d.rowid = ${p}_fts.rowid WHERE ${p}_fts MATCH ?${filters} ORDER BY score LIMIT ? OFFSET ?`;
  } else {
    // No positive word: the documents that pass the filters (and do not
    // match the excluded words), in index order, all with score 0.
    let where = '';
    if (query.exclude !== undefined) { where = ` AND d.rowid NOT IN (SELECT rowid FROM ${p}_fts WHERE ${p}_fts MATCH ?)`; params.push(query.exclude); }
    where += filterSql(query.filters, params);
    sql = `SELECT d.rowid AS rowid, 0 AS score FROM ${p}_docs d WHERE 1${where} ORDER BY d.rowid LIMIT ? OFFSET ?`;
  }
  params.push(limit + 1, offset);
  const rows = index.statement(sql).all(...params) as { rowid: number; score: number }[];
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const docs = loadRows(index, page.map((r) => r.rowid));
  const hits: FtsHit[] = [];
  for (const row of page) {
    const doc = docs.get(row.rowid);
    if (doc !== undefined) hits.push({ ...doc, score: row.score === 0 ? 0 : -row.score });
  }
  return { hits, more, query };
}

function loadRows(index: FtsIndex, rowids: number[]): Map<number, Omit<FtsHit, 'score'>> {
  const out = new Map<number, Omit<FtsHit, 'score'>>();
  if (rowids.length === 0) return out;
  const rows = index.statement('SELECT rowid, id, fields, meta FROM {p}_docs WHERE rowid IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(rowids)) as { rowid: number; id: string; fields: string; meta: string }[];
  for (const r of rows) out.set(r.rowid, { id: r.id, fields: JSON.parse(r.fields) as Record<string, string>, meta: JSON.parse(r.meta) as Record<string, MetaValue> });
  return out;
}

/**
 * BM25 over a set of analyzed terms, each with a weight: the sum over terms
 * of weight x the term's bm25 (FTS5's bm25 of a query is the sum of its
 * phrases' parts, so equal weights give FTS5's own ranking of "t1 OR t2 ...").
 * The best `limit` ids with their scores, best first.
 */
export function retrieve(index: FtsIndex, terms: readonly WeightedTerm[], limit = 100): ScoredId[] {
  const weights = new Map<string, number>();
  for (const { term, weight } of terms) {
    if (term === '' || /[^\p{L}\p{N}]/u.test(term)) continue;
    weights.set(term, (weights.get(term) ?? 0) + (weight ?? 1));
  }
  const scores = new Map<number, number>();
  const statement = index.statement(`SELECT rowid, ${bm25(index)} AS score FROM {p}_fts WHERE {p}_fts MATCH ?`);
  for (const [term, weight] of weights) {
    for (const row of statement.iterate(`"${term}"`) as IterableIterator<{ rowid: number; score: number }>) {
      scores.set(row.rowid, (scores.get(row.rowid) ?? 0) - weight * row.score);
    }
  }
  const best = [...scores].sort((a, b) => b[1] - a[1]).slice(0, Math.max(0, limit));
  const ids = new Map<number, string>();
  if (best.length > 0) {
    const rows = index.statement('SELECT rowid, id FROM {p}_docs WHERE rowid IN (SELECT value FROM json_each(?))').all(JSON.stringify(best.map(([r]) => r))) as { rowid: number; id: string }[];
    for (const r of rows) ids.set(r.rowid, r.id);
  }
  return best.flatMap(([rowid, score]) => { const id = ids.get(rowid); return id === undefined ? [] : [{ id, score }]; });
}

/** Term statistics for ranking (BM25 variants, query expansion). */
export interface TermStats {
  /** Documents in the index (N). */
  docs: number;
  /** Mean terms per document. */
  avgLength: number;
  /** Documents containing `term` (an analyzed term). */
  df(term: string): number;
  /** Terms in the document `id` (undefined: no such document). */
  docLength(id: string): number | undefined;
  /** The document's analyzed terms per field, in order (re-analyzed from its stored text). */
  docTerms(id: string): Record<string, string[]> | undefined;
}

export function termStats(index: FtsIndex): TermStats {
  const docs = index.count();
  const df: StatementSync = index.statement('SELECT doc FROM {p}_vocab WHERE term = ?');
  return {
    docs,
    avgLength: docs === 0 ? 0 : index.totalLength() / docs,
    df: (term) => (df.get(term) as { doc: number } | undefined)?.doc ?? 0,
    docLength: (id) => (index.statement('SELECT len FROM {p}_docs WHERE id = ?').get(id) as { len: number } | undefined)?.len,
    docTerms(id) {
      const doc = getDoc(index, id);
      if (doc === undefined) return undefined;
      return Object.fromEntries(index.fieldNames.map((f) => [f, index.analyzer.terms(doc.fields[f] ?? '')]));
    },
  };
}

/** The stored document `id` (its original fields and metadata). */
export function getDoc(index: FtsIndex, id: string): Omit<FtsHit, 'score'> | undefined {
  const row = index.statement('SELECT id, fields, meta FROM {p}_docs WHERE id = ?').get(id) as { id: string; fields: string; meta: string } | undefined;
  return row === undefined ? undefined : { id: row.id, fields: JSON.parse(row.fields) as Record<string, string>, meta: JSON.parse(row.meta) as Record<string, MetaValue> };
}

/**
 * The snippet of a hit: from the first of `fields` (default: every field of
 * the index but the first, which is usually the title) where a query term
 * occurs, else from the first of them.
 */
export function hitSnippet(index: FtsIndex, hit: FtsHit, query: CompiledQuery, fields?: readonly string[], options?: SnippetOptions): string {
  const order = fields ?? (index.fieldNames.length > 1 ? index.fieldNames.slice(1) : index.fieldNames);
  let first: string | undefined;
  for (const field of order) {
    const snippet = makeSnippet(hit.fields[field] ?? '', index.analyzer, query.terms, query.prefixes, options);
    if (snippet.includes('«')) return snippet;
    first ??= snippet;
  }
  return first ?? '';
}
