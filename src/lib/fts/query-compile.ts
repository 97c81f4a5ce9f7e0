// A parsed query (query-parse.ts) -> an SQLite FTS5 MATCH expression over
// the analyzed terms an index stores (sqlite.org/fts5.html §3 "Full-text
// Query Syntax"), plus the metadata filters and the terms to highlight.
//
// Every term is double-quoted (a quoted string is a plain token to FTS5 and
// terms are letters and digits anyway), column names come from the index's
// own list, filter values are bound as SQL parameters: no text of the query
// is ever FTS5 or SQL syntax.

import type { Analyzer } from '../text/analyzer.ts';
import { queryError, type QueryNode } from './query-parse.ts';

export interface MetaFilter {
  key: string;
  value: string;
  negated: boolean;
}

export interface CompiledQuery {
  /** The FTS5 expression of the words (undefined: no word, only filters or nothing). */
  match: string | undefined;
  /** Negated words with no positive word beside them: the hits are the documents NOT matching this. */
  exclude: string | undefined;
  filters: MetaFilter[];
  /** Analyzed terms of the positive words and phrases (what a snippet highlights). */
  terms: Set<string>;
  /** Folded prefixes of the positive prefix words. */
  prefixes: string[];
}

const quote = (term: string): string => `"${term.replaceAll('"', '""')}"`;
const PARTS = /[^\p{L}\p{N}\p{M}'\u2019]+/u;

export function compileQuery(tree: QueryNode, analyzer: Analyzer, textFields: readonly string[]): CompiledQuery {
  const out: CompiledQuery = { match: undefined, exclude: undefined, filters: [], terms: new Set(), prefixes: [] };
  const isMeta = (node: QueryNode): node is Extract<QueryNode, { kind: 'word' | 'phrase' }> =>
    (node.kind === 'word' || node.kind === 'phrase') && node.field !== undefined && !textFields.includes(node.field);

  function leaf(node: Extract<QueryNode, { kind: 'word' | 'phrase' }>, positive: boolean): string | undefined {
    let expr: string | undefined;
    if (node.kind === 'phrase' || !node.prefix) {
      const terms = analyzer.terms(node.text);
      if (positive) for (const t of terms) out.terms.add(t);
      if (terms.length > 0) expr = quote(terms.join(' '));
    } else {
      // A prefix is compared with stored (stemmed) terms: "connect*" finds
      // connection (stem connect); the word's own stem is added so that
      // "running*" still finds running (stem run) although no stored term
      // starts with "running".
      const parts = node.text.split(PARTS).filter((p) => p !== '');
      const last = analyzer.fold(parts.pop() ?? '');
      const head = parts.flatMap((p) => analyzer.terms(p));
      if (last !== '') {
        if (positive) { out.prefixes.push(last); for (const t of head) out.terms.add(t); }
        expr = `${quote([...head, last].join(' '))} *`;
        const stem = head.length === 0 ? analyzer.term(last) : undefined;
        if (stem !== undefined && stem !== last && !stem.startsWith(last)) {
          if (positive) out.terms.add(stem);
          expr = `(${expr} OR ${quote(stem)})`;
        }
      }
    }
    if (expr === undefined || node.field === undefined) return expr;
    return `{${node.field}} : (${expr})`;
  }

  function compile(node: QueryNode, positive: boolean): string | undefined {
    switch (node.kind) {
      case 'word':
      case 'phrase':
        if (isMeta(node)) throw queryError(`the filter '${node.field}:' may only stand at the top level of a query (not inside a group or OR)`);
        return leaf(node, positive);
      case 'not':
        throw queryError('NOT (or -) may only stand beside other words, not alone inside OR');
      case 'or': {
        const parts = node.children.map((c) => compile(c, positive)).filter((p) => p !== undefined);
        return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
      }
      case 'and': {
        const { match, negatives } = conjunction(node.children, positive, false);
        if (match === undefined && negatives.length > 0) throw queryError('a group has only negated words');
        return negate(match, negatives);
      }
    }
  }

  function conjunction(children: QueryNode[], positive: boolean, top: boolean): { match: string | undefined; negatives: string[] } {
    const positives: string[] = [];
    const negatives: string[] = [];
    for (const child of children) {
      if (top && isMeta(child)) { out.filters.push({ key: child.field!, value: child.text, negated: false }); continue; }
      if (child.kind === 'not') {
        if (top && isMeta(child.child)) { out.filters.push({ key: child.child.field!, value: child.child.text, negated: true }); continue; }
        const neg = compile(child.child, !positive);
        if (neg !== undefined) negatives.push(neg);
        continue;
      }
      const pos = compile(child, positive);
      if (pos !== undefined) positives.push(pos);
    }
    return { match: positives.length === 0 ? undefined : positives.length === 1 ? positives[0] : `(${positives.join(' AND ')})`, negatives };
  }

  const negate = (match: string | undefined, negatives: string[]): string | undefined =>
    match === undefined || negatives.length === 0 ? match : `(${match} NOT (${negatives.join(' OR ')}))`;

  const top = conjunction(tree.kind === 'and' ? tree.children : [tree], true, true);
  if (top.match === undefined && top.negatives.length > 0) out.exclude = top.negatives.join(' OR ');
  else out.match = negate(top.match, top.negatives);
  return out;
}
