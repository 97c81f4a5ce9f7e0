// A snippet: the window of a document's original text with the most of the
// query's distinct terms, matched words wrapped in « and » (never HTML: the
// reader decides how to show it), "…" where the window cuts the text.
// Computed on the original text with the same analyzer the index used, so
// "layers" in the text lights up for a query "layer".

import type { AnalyzedToken, Analyzer } from '../text/analyzer.ts';

export interface SnippetOptions {
  /** Words in the window (default 24). */
  words?: number;
  /** Only this much of a long text is looked at (default 100,000 characters): a snippet must stay cheap. */
  scanLimit?: number;
}

const matches = (term: string, terms: ReadonlySet<string>, prefixes: readonly string[]): boolean =>
  terms.has(term) || prefixes.some((p) => term.startsWith(p));

/** Characters analyzed at a time: the scan stops as soon as a window holds every query term. */
const STEP = 4096;

/** The best window of `text` for the terms and prefixes; the text's start when none is in it. */
export function makeSnippet(text: string, analyzer: Analyzer, terms: ReadonlySet<string>, prefixes: readonly string[], options: SnippetOptions = {}): string {
  const size = options.words ?? 24;
  const limit = Math.min(text.length, options.scanLimit ?? 100_000);
  // The best a window can hold: every term and every prefix.
  const perfect = (terms.size + prefixes.length) * 1000;
  const tokens: AnalyzedToken[] = [];
  const hit: boolean[] = [];
  // Slide a window of `size` tokens; score = distinct matched terms, then matches.
  let best = 0;
  let bestScore = -1;
  const counts = new Map<string, number>();
  let total = 0;
  let scanned = 0;
  for (let end = 0; ; end++) {
    if (end === tokens.length) {
      if (scanned >= limit || bestScore >= perfect) break;
      // The next slice, cut at a space so that no word is split.
      let to = Math.min(limit, scanned + STEP);
      if (to < text.length) { const space = text.indexOf(' ', to); to = space === -1 || space > limit + 256 ? Math.min(text.length, limit) : space; }
      for (const t of analyzer.tokens(text.slice(scanned, to))) {
        tokens.push({ term: t.term, start: t.start + scanned, end: t.end + scanned });
        hit.push(matches(t.term, terms, prefixes));
      }
      scanned = to;
      if (end === tokens.length) continue;
    }
    if (hit[end]) { counts.set(tokens[end]!.term, (counts.get(tokens[end]!.term) ?? 0) + 1); total++; }
    const start = end - size + 1;
    if (start > 0 && hit[start - 1]) {
      const term = tokens[start - 1]!.term;
      const n = counts.get(term)! - 1;
      if (n === 0) counts.delete(term); else counts.set(term, n);
      total--;
    }
    const score = counts.size * 1000 + total;
    if (score > bestScore) { bestScore = score; best = Math.max(0, start); }
  }
  if (tokens.length === 0) return clip(text, 0, Math.min(text.length, size * 8), false);
  // Start the window a few words before its first match, for context; make
  // sure the window's words are analyzed (the scan may have stopped early).
  let first = best;
  while (first < tokens.length && first < best + size && !hit[first]) first++;
  const from = first < tokens.length && hit[first] ? Math.max(0, first - 3) : best;
  if (from + size > tokens.length && scanned < text.length) {
    const more = analyzer.tokens(text.slice(scanned, Math.min(text.length, scanned + size * 16)));
    for (const t of more) { tokens.push({ term: t.term, start: t.start + scanned, end: t.end + scanned }); hit.push(matches(t.term, terms, prefixes)); }
    scanned = Math.min(text.length, scanned + size * 16);
  }
  const to = Math.min(tokens.length, from + size) - 1;
  const startChar = from === 0 ? 0 : tokens[from]!.start;
  const endChar = to === tokens.length - 1 && scanned >= text.length ? text.length : tokens[to]!.end;
  let out = '';
  let at = startChar;
  for (let i = from; i <= to; i++) {
    if (!hit[i]) continue;
    out += text.slice(at, tokens[i]!.start) + '«' + text.slice(tokens[i]!.start, tokens[i]!.end) + '»';
    at = tokens[i]!.end;
  }
  out += text.slice(at, endChar);
  return clip(out, startChar, endChar, true, text.length);
}

function clip(body: string, start: number, end: number, sliced: boolean, length = body.length): string {
  const text = (sliced ? body : body.slice(start, end)).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${text}${end < length ? '…' : ''}`;
}
