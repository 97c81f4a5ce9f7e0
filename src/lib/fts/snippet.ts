// A snippet: the window of a document's original text with the most of the
// query's distinct terms, matched words wrapped in « and » (never HTML: the
// reader decides how to show it), "…" where the window cuts the text.
// Computed on the original text with the same analyzer the index used, so
// "layers" in the text lights up for a query "layer".

import type { Analyzer } from '../text/analyzer.ts';

export interface SnippetOptions {
  /** Words in the window (default 24). */
  words?: number;
  /** Only this much of a long text is looked at (default 100,000 characters): a snippet must stay cheap. */
  scanLimit?: number;
}

const matches = (term: string, terms: ReadonlySet<string>, prefixes: readonly string[]): boolean =>
  terms.has(term) || prefixes.some((p) => term.startsWith(p));

/** The best window of `text` for the terms and prefixes; the text's start when none is in it. */
export function makeSnippet(text: string, analyzer: Analyzer, terms: ReadonlySet<string>, prefixes: readonly string[], options: SnippetOptions = {}): string {
  const size = options.words ?? 24;
  const scanned = text.length > (options.scanLimit ?? 100_000) ? text.slice(0, options.scanLimit ?? 100_000) : text;
  const tokens = analyzer.tokens(scanned);
  const hit = tokens.map((t) => matches(t.term, terms, prefixes));
  // Slide a window of `size` tokens; score = distinct matched terms, then matches.
  let best = 0;
  let bestScore = -1;
  const counts = new Map<string, number>();
  let total = 0;
  for (let end = 0; end < tokens.length; end++) {
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
  // Start the window a few words before its first match, for context.
  let first = best;
  while (first < tokens.length && first < best + size && !hit[first]) first++;
  const from = first < tokens.length && hit[first] ? Math.max(0, first - 3) : best;
  const to = Math.min(tokens.length, from + size) - 1;
  const startChar = from === 0 ? 0 : tokens[from]!.start;
  const endChar = to === tokens.length - 1 && scanned.length === text.length ? text.length : tokens[to]!.end;
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
