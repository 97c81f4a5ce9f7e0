// Snippets as SearchHit wants them (types.ts): plain text, matched terms in
// « and », never HTML. Engines that mark matches themselves (Wikipedia's
// <span class="searchmatch">, Stack Exchange's excerpts) keep their marks;
// for the others the query's words are marked here. Guillemets already in
// an engine's text are replaced first, so an engine cannot fake a match.

import { parseMarkup, textOf, type MarkupNode } from './markup.ts';

export const SNIPPET_MAX = 320;

/** Plain text for a snippet: brackets replaced, whitespace collapsed, clipped at a word. */
export function plain(text: string, max = SNIPPET_MAX): string {
  const t = text.replace(/[«»]/g, '"').replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.lastIndexOf(' ', max);
  return `${t.slice(0, cut > max / 2 ? cut : max)}…`;
}

/** The text of an HTML fragment (a feed title may carry escaped markup: '&lt;i&gt;' arrives as '<i>'). */
export function textFromHtml(html: string): string {
  return html.includes('<') || html.includes('&') ? textOf(parseMarkup(html)) : html;
}

/** An HTML fragment to snippet text, elements matching `isMark` wrapped in « ». */
export function markedFromHtml(html: string, isMark: (name: string, cls: string) => boolean, max = SNIPPET_MAX): string {
  const out: string[] = [];
  const walk = (node: MarkupNode, marked: boolean): void => {
    if (typeof node === 'string') {
      out.push(node.replace(/[«»]/g, '"'));
      return;
    }
    const mark = !marked && isMark(node.name, node.attrs.class ?? '');
    if (mark) out.push('«');
    for (const c of node.children) walk(c, marked || mark);
    if (mark) out.push('»');
  };
  walk(parseMarkup(html), false);
  return clipMarked(out.join('').replace(/\s+/g, ' ').replace(/«\s*»/g, '').trim(), max);
}

// Clip without leaving a « open.
function clipMarked(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.lastIndexOf(' ', max);
  if (cut < max / 2) cut = max;
  let out = text.slice(0, cut);
  if (out.lastIndexOf('«') > out.lastIndexOf('»')) out += '»';
  return `${out}…`;
}

/** Words of the engine-neutral query worth marking: no operators, no negated terms, no field names. */
export function queryTerms(query: string): string[] {
  const terms: string[] = [];
  for (const raw of query.toLowerCase().match(/-?"[^"]*"|\S+/g) ?? []) {
    if (raw.startsWith('-')) continue;
    const value = raw.includes(':') && !raw.startsWith('"') ? raw.slice(raw.indexOf(':') + 1) : raw;
    for (const w of value.replace(/["*]/g, ' ').split(/[^\p{L}\p{N}]+/u)) if (w.length > 1 && !terms.includes(w)) terms.push(w);
  }
  return terms;
}

/** Plain text with the query's words (as word prefixes) wrapped in « ». */
export function marked(text: string, query: string, max = SNIPPET_MAX): string {
  const clean = plain(text, max);
  const terms = queryTerms(query);
  if (terms.length === 0) return clean;
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})[\\p{L}\\p{N}]*`, 'giu');
  return clean.replace(re, (w) => `«${w}»`);
}
