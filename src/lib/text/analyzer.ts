// The text analyzer of every full-text index (search corpora, agent memory):
// the same function turns documents into terms at index time and query words
// into terms at query time, so the two always agree.
//
//   text -> words (Unicode letters and digits, inner apostrophes kept)
//        -> lowercase -> stopword? drop -> stem (per language, on the
//           accented form: Snowball stemmers expect it) -> drop apostrophes
//        -> fold diacritics (é -> e, ß -> ss) -> term
//
// Terms are made of letters and digits only, so SQLite FTS5's 'ascii'
// tokenizer splits a space-joined list of them back exactly (lib/fts):
// node:sqlite cannot register a tokenizer written in JavaScript, so text is
// analyzed here and the index stores terms.

import { OctantError, EXIT } from '../errors.ts';
import { language, LANGUAGE_TAGS, type Language } from './languages.ts';

/** One term and where its word is in the original text (UTF-16 offsets). */
export interface AnalyzedToken {
  term: string;
  start: number;
  end: number;
}

export interface Analyzer {
  /** The language tag ('en', 'fr', 'none'...). */
  readonly lang: string;
  /** The terms of `text`, in order, stopwords left out. */
  terms(text: string): string[];
  /** The same terms with their words' offsets in `text` (for snippets). */
  tokens(text: string): AnalyzedToken[];
  /** One word as the index stores it; undefined for a stopword or a word with no letter or digit. */
  term(word: string): string | undefined;
  /** One word lowercased and folded, not stemmed (what a prefix query compares). */
  fold(word: string): string;
  /** Whether `word` (any case) is a stopword of this language. */
  isStopword(word: string): boolean;
}

/** A word: a letter or digit, then letters, digits, combining marks, and inner apostrophes. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['\u2019][\p{L}\p{N}\p{M}]+)*/gu;
/** The same, matching only at lastIndex (the scanner's fallback for words that are not plain ASCII). */
const WORD_AT = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['\u2019][\p{L}\p{N}\p{M}]+)*/uy;

/** ASCII letter or digit. */
const isAsciiWord = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
/** Longer "words" are data (base64, hashes): not worth a term. */
export const MAX_WORD_LENGTH = 64;
const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}/gu;
const APOSTROPHES = /['\u2019]/g;
/** Letters NFD does not decompose into a base letter and a mark. */
const LIGATURES: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l', þ: 'th', ð: 'd', ı: 'i' };
const LIGATURE = /[ßæœøđłþðı]/g;

/** Lowercase, then fold diacritics and ligatures to their ASCII letters where there is one. */
export function foldWord(word: string): string {
  const lower = word.toLowerCase();
  if (!NON_ASCII.test(lower)) return lower;
  return lower.replace(LIGATURE, (c) => (Object.hasOwn(LIGATURES, c) ? LIGATURES[c]! : c)).normalize('NFD').replace(MARKS, '').normalize('NFC');
}

/** Stems cached per analyzer: word frequencies are skewed, most words repeat. */
const CACHE_LIMIT = 100_000;

export function createAnalyzer(lang = 'en'): Analyzer {
  const spec: Language | undefined = language(lang);
  if (spec === undefined) {
    throw new OctantError('E_TEXT_LANGUAGE', `language '${lang}' is not one the analyzer knows`, {
      exit: EXIT.usage, hint: `one of: ${LANGUAGE_TAGS.join(', ')}`,
    });
  }
  const { stem, stopwords } = spec;
  // null: a stopword (or nothing left after folding).
  let cache = new Map<string, string | null>();

  function termOf(word: string): string | null {
    let hit = cache.get(word);
    if (hit !== undefined) return hit;
    const lower = word.toLowerCase().replace(/\u2019/g, "'");
    if (stopwords.has(lower)) hit = null;
    else {
      const folded = foldWord(stem(lower).replace(APOSTROPHES, ''));
      hit = folded === '' ? null : folded;
    }
    if (cache.size >= CACHE_LIMIT) cache = new Map();
    cache.set(word, hit);
    return hit;
  }

  // Words as WORD finds them, but a run of ASCII letters and digits that
  // ends in ASCII punctuation or space (most words of most text) is taken
  // without the regular expression and its match objects; anything else
  // (a non-ASCII letter, an apostrophe) goes through WORD_AT from the
  // word's start, so both paths give the same words.
  function scan(text: string, emit: (term: string, start: number, end: number) => void): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      let end = -1;
      if (isAsciiWord(c)) {
        let j = i + 1;
        while (j < n && isAsciiWord(text.charCodeAt(j))) j++;
        const next = j < n ? text.charCodeAt(j) : 32;
        if (next < 128 && next !== 39) end = j;
      } else if (c < 128) {
        i++;
        continue;
      }
      if (end === -1) {
        WORD_AT.lastIndex = i;
        if (WORD_AT.exec(text) === null) { i++; continue; }
        end = WORD_AT.lastIndex;
      }
      if (end - i <= MAX_WORD_LENGTH) {
        const term = termOf(text.slice(i, end));
        if (term !== null) emit(term, i, end);
      }
      i = end;
    }
  }

  return {
    lang: spec.tag,
    terms(text) {
      const out: string[] = [];
      scan(text, (term) => { out.push(term); });
      return out;
    },
    tokens(text) {
      const out: AnalyzedToken[] = [];
      scan(text, (term, start, end) => { out.push({ term, start, end }); });
      return out;
    },
    term(word) {
      const found = word.match(WORD);
      if (found === null || found.length !== 1 || found[0] !== word) {
        // Not a single word: the caller splits (a query word like "e-mail" is a phrase).
        const all = this.terms(word);
        return all.length === 1 ? all[0] : undefined;
      }
      return termOf(word) ?? undefined;
    },
    fold(word) {
      return foldWord(word).replace(APOSTROPHES, '');
    },
    isStopword(word) {
      return stopwords.has(word.toLowerCase().replace(/\u2019/g, "'"));
    },
  };
}
