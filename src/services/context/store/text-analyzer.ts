// The seam between T2 and the text analysis it uses: how text is split into
// terms when indexed (an FTS5 tokenizer) and how a query becomes an FTS5
// MATCH expression. One place, so T2 follows the shared analyzer of the
// search service's full-text engine when it is given one.

import type { TextIndexSpec } from './schema.ts';

export interface TextAnalyzer extends TextIndexSpec {
  /** The FTS5 MATCH expression for a query in plain words; undefined when it has no searchable term. */
  match(query: string): string | undefined;
}

/** Words too common to rank by; dropped from queries (not from the index, so phrases still match). */
const STOPWORDS = new Set(('a an and are as at be but by did do does for from had has have he her his how i if in is it its me my ' +
  'no not of on or our she so that the their them then there they this to was we were what when where which who why will with you your').split(' '));

/**
 * The built-in analyzer: Unicode words, case and diacritics folded, Porter
 * stemming (English); a query is the OR of its words (BM25 ranks documents
 * matching more and rarer words first), each quoted so FTS5 operators in the
 * query are plain words.
 */
export function defaultAnalyzer(): TextAnalyzer {
  return {
    tokenize: 'porter unicode61 remove_diacritics 2',
    match(query: string): string | undefined {
      const words = query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
      const kept = words.filter((w) => !STOPWORDS.has(w));
      const terms = [...new Set(kept.length > 0 ? kept : words)];
      return terms.length === 0 ? undefined : terms.map((t) => `"${t}"`).join(' OR ');
    },
  };
}
