// The seam between T2 and the text analysis it uses: how text is split into
// terms when indexed (an FTS5 tokenizer) and how a query becomes an FTS5
// MATCH expression. One place, so T2 follows the shared analyzer of the
// search service's full-text engine when it is given one.

import type { TextIndexSpec } from './schema.ts';

export interface TextAnalyzer extends TextIndexSpec {
  /** The words of a query worth searching for (lowercase, de-duplicated); T2 quotes each, so FTS5 operators in a query are plain words. */
  terms(query: string): string[];
}

/** Words too common to rank by; dropped from queries (not from the index, so phrases still match). */
const STOPWORDS = new Set(('a an and are as at be but by did do does for from had has have he her his how i if in is it its me my ' +
  'no not of on or our she so that the their them then there they this to was we were what when where which who why will with you your').split(' '));

/**
 * The built-in analyzer: Unicode words, case and diacritics folded, Porter
 * stemming (English); a query's terms are its words without stopwords (all
 * of them when it has only stopwords).
 */
export function defaultAnalyzer(): TextAnalyzer {
  return {
    tokenize: 'porter unicode61 remove_diacritics 2',
    terms(query: string): string[] {
      const words = query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
      const kept = words.filter((w) => !STOPWORDS.has(w));
      return [...new Set(kept.length > 0 ? kept : words)];
    },
  };
}
