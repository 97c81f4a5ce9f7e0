// A RankSource over a full-text index (lib/fts): candidates are FTS5's
// field-weighted bm25() top for the OR of the terms, under the query's
// metadata filters; a candidate's fields come back with it and are analyzed
// once (the index's own analyzer), so scoring reads no row twice.

import type { FtsIndex } from '../../../lib/fts/fts-index.ts';
import { runQuery, termStats, type FtsHit } from '../../../lib/fts/fts-search.ts';
import type { MetaFilter } from '../../../lib/fts/query-compile.ts';
import type { RankSource } from './source.ts';
import type { TermDoc } from './types.ts';

export interface FtsRankSource extends RankSource {
  /** The stored document of a candidate seen by this source (for the page of hits). */
  hit(id: string): FtsHit | undefined;
}

const quote = (term: string): string => `"${term.replaceAll('"', '""')}"`;

/** Entries kept per index in each cache below (a few MB at most). */
const CACHE_ENTRIES = 20_000;

/**
 * What is worth keeping between queries on one index: document frequencies
 * (feedback and regularisation look up every term of the top documents) and
 * analyzed documents (a document is analyzed again only when its stored text
 * changed). Frequencies are dropped whenever the number of documents
 * changes; a changed document's old frequencies linger until then, which
 * moves scores by a rounding (collection statistics are estimates anyway).
 */
interface IndexCache {
  docs: number;
  df: Map<string, number>;
  analyzed: Map<string, { text: string; doc: TermDoc }>;
}

let caches: WeakMap<FtsIndex, IndexCache> | undefined;

function cacheOf(index: FtsIndex, docs: number): IndexCache {
  caches ??= new WeakMap();
  let cache = caches.get(index);
  if (cache === undefined) caches.set(index, cache = { docs, df: new Map(), analyzed: new Map() });
  if (cache.docs !== docs) { cache.docs = docs; cache.df.clear(); }
  return cache;
}

/** Map.set with a bound: the oldest entry leaves first (insertion order). */
function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= CACHE_ENTRIES) map.delete(map.keys().next().value ?? '');
  map.set(key, value);
  return value;
}

/**
 * Total terms per field over the index, from FTS5's averages record (the
 * %_data row with id 1: a varint row count, then one varint per column,
 * fts5_index.c FTS5_AVERAGES_ROWID), the totals FTS5's own bm25() uses.
 * Undefined when the record cannot be read as that.
 */
export function fieldTotals(index: FtsIndex): number[] | undefined {
  const row = index.statement('SELECT block FROM {p}_fts_data WHERE id = 1').get();
  const block = row?.block;
  if (!(block instanceof Uint8Array)) return undefined;
  const values: number[] = [];
  let at = 0;
  while (at < block.length) {
    let v = 0;
    let i = 0;
    for (; i < 9 && at + i < block.length; i++) {
      const b = block[at + i];
      if (i === 8) { v = v * 256 + b; break; }
      v = v * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    values.push(v);
    at += i + 1;
  }
  return values.length === index.fieldNames.length + 1 ? values.slice(1) : undefined;
}

export function ftsRankSource(index: FtsIndex, filters: readonly MetaFilter[]): FtsRankSource {
  const stats = termStats(index);
  const totals = fieldTotals(index);
  const avgFieldLength: Record<string, number> = {};
  index.fieldNames.forEach((f, i) => {
    // Without the per-field totals every field is normalised by the mean document length.
    avgFieldLength[f] = stats.docs === 0 ? 0 : totals === undefined ? stats.avgLength : totals[i] / stats.docs;
  });
  const hits = new Map<string, FtsHit>();
  const cache = cacheOf(index, stats.docs);
  return {
    stats: { docCount: stats.docs, avgFieldLength, docFreq: (term) => cache.df.get(term) ?? remember(cache.df, term, stats.df(term)) },
    candidates(terms, limit) {
      const unique = [...new Set(terms)].filter((t) => t !== '');
      if (unique.length === 0) return [];
      const query = { match: unique.map(quote).join(' OR '), exclude: undefined, filters: [...filters], terms: new Set(unique), prefixes: [] };
      const result = runQuery(index, query, { limit });
      for (const hit of result.hits) hits.set(hit.id, hit);
      return result.hits.map((h) => h.id);
    },
    docs(ids) {
      const out = new Map<string, TermDoc>();
      for (const id of ids) {
        const hit = hits.get(id);
        if (hit === undefined) continue;
        const text = index.fieldNames.map((f) => hit.fields[f] ?? '').join('\u0000');
        const known = cache.analyzed.get(id);
        const doc = known !== undefined && known.text === text ? known.doc
          : remember(cache.analyzed, id, { text, doc: { id, fields: Object.fromEntries(index.fieldNames.map((f) => [f, index.analyzer.terms(hit.fields[f] ?? '')])) } }).doc;
        out.set(id, doc);
      }
      return out;
    },
    hit: (id) => hits.get(id),
  };
}
