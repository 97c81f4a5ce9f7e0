// The local engine's search: relevance ranking for queries of plain words
// (the way people and agents mostly ask: "heat transfer in turbulent pipe
// flow"), strict matching for queries that use the syntax.
//
// Plain words: every document holding ANY of the words is a candidate and
// the ranking (ranker.ts) orders them, so a document with all the words,
// close together, in the title, comes first without the query saying so.
// Syntax (a "phrase", prefix*, OR, -not, groups, field: words) asks for exact
// matching: the strict search (lib/fts searchIndex, AND by default) answers;
// when it finds nothing, the query's positive words are ranked instead, so a
// natural-language question that happens to hold a '-' or '(' still gets
// answers (unless it excludes words: the relaxed ranking could not honour
// that). Metadata filters (section:1) apply in every case.

import type { FtsIndex } from '../../../lib/fts/fts-index.ts';
import { getDoc, searchIndex, type FtsResult, type FtsSearchOptions } from '../../../lib/fts/fts-search.ts';
import { compileQuery, type MetaFilter } from '../../../lib/fts/query-compile.ts';
import { parseQuery, type QueryNode } from '../../../lib/fts/query-parse.ts';
import { DEFAULT_RANK_PARAMS } from './defaults.ts';
import { ftsRankSource, type FtsRankSource } from './fts-source.ts';
import type { RankedList } from './fusion.ts';
import { rankQuery, type RankParams } from './ranker.ts';
import type { Scored } from './types.ts';

/** The plain words of a query, or undefined when it uses any syntax beyond words and metadata filters. */
function plainWords(tree: QueryNode, textFields: readonly string[]): string[] | undefined {
  const nodes = tree.kind === 'and' ? tree.children : [tree];
  const words: string[] = [];
  for (const node of nodes) {
    if (node.kind !== 'word' || node.prefix) return undefined;
    if (node.field === undefined) words.push(node.text);
    else if (textFields.includes(node.field)) return undefined;
  }
  return words;
}

/** Words and phrase words of the positive part of a query (what the relaxed ranking uses). */
function positiveWords(node: QueryNode, textFields: readonly string[]): string[] {
  switch (node.kind) {
    case 'word': return node.field === undefined || textFields.includes(node.field) ? [node.text] : [];
    case 'phrase': return node.field === undefined || textFields.includes(node.field) ? [node.text] : [];
    case 'and':
    case 'or': return node.children.flatMap((c) => positiveWords(c, textFields));
    case 'not': return [];
  }
}

function hasNot(node: QueryNode): boolean {
  return node.kind === 'not' || ((node.kind === 'and' || node.kind === 'or') && node.children.some(hasNot));
}

/** The ranking of analyzed terms over the index, under metadata filters (at most params.depth documents). */
export function rankTerms(index: FtsIndex, terms: readonly string[], filters: readonly MetaFilter[], params: RankParams = DEFAULT_RANK_PARAMS, extra: readonly RankedList[] = []): { ranked: Scored[]; source: FtsRankSource } {
  const source = ftsRankSource(index, filters);
  return { ranked: rankQuery(terms, source, params, extra), source };
}

/**
 * One page of the local engine's answer to `text` (see the top of the file).
 * `extra` ranked lists (a vector search) join the ranking's fusion.
 */
export function localSearch(index: FtsIndex, text: string, options: FtsSearchOptions = {}, params: RankParams = DEFAULT_RANK_PARAMS, extra: readonly RankedList[] = []): FtsResult {
  const tree = parseQuery(text);
  let words = plainWords(tree, index.fieldNames);
  if (words === undefined) {
    const strict = searchIndex(index, text, options);
    // A query that excludes words keeps its strict answer: the relaxed ranking cannot honour the exclusion.
    if (strict.hits.length > 0 || (options.offset ?? 0) > 0 || hasNot(tree)) return strict;
    words = positiveWords(tree, index.fieldNames);
  }
  const query = compileQuery(tree, index.analyzer, index.fieldNames);
  for (const [key, value] of Object.entries(options.filters ?? {})) query.filters.push({ key, value, negated: false });
  const terms = words.flatMap((w) => index.analyzer.terms(w));
  if (terms.length === 0) return searchIndex(index, text, options);
  const { ranked, source } = rankTerms(index, terms, query.filters, params, extra);
  const offset = Math.max(0, Math.trunc(options.offset ?? 0));
  const limit = Math.max(0, Math.trunc(options.limit ?? 10));
  const hits = ranked.slice(offset, offset + limit).flatMap((s) => {
    const hit = source.hit(s.id) ?? getDoc(index, s.id); // an extra list may bring documents that are not candidates
    return hit === undefined ? [] : [{ ...hit, score: s.score }];
  });
  for (const t of terms) query.terms.add(t);
  return { hits, more: ranked.length > offset + limit, query };
}
