// Filesystem and executable paths: the canonical form, containment and the
// intersection of two path sets.
//
// Canonical form: absolute, no empty, "." or ".." segments, no trailing "/",
// printable ASCII only. Non-ASCII is refused outright rather than normalised:
// NFC/NFKC folding would let "／" (U+FF0F) or "．" (U+FF0E) turn into a real
// separator or dot after the check, and look-alikes such as "∕" (U+2215) or
// "․" (U+2024) would let a path read as one thing and mean another. With
// ASCII only, no normalisation form or confusable can arise.
//
// Paths form a tree, so two paths are either nested or disjoint; a set of
// paths is kept with no entry inside another (the inner one adds nothing).

import { readString, schemaError } from './field-reader.ts';

// Characters people mistake for "/" or "." (Unicode confusables.txt), named in
// the error so the author sees why the path was refused.
const LOOK_ALIKES: Readonly<Record<number, string>> = {
  0x2215: "'/'", 0x2044: "'/'", 0xff0f: "'/'", 0x29f8: "'/'", 0x2571: "'/'", 0x1735: "'/'", 0x3033: "'/'",
  0x2024: "'.'", 0xff0e: "'.'", 0x3002: "'.'", 0xfe52: "'.'", 0x2027: "'.'", 0x00b7: "'.'", 0x2025: "'..'", 0x2026: "'...'",
};

/** Why `path` is not canonical, or undefined when it is. */
export function pathProblem(path: string): string | undefined {
  for (const ch of path) {
    const code = ch.codePointAt(0)!;
    if (code === 0) return 'contains a NUL byte';
    if (code < 0x20 || code === 0x7f) return `contains control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
    if (code > 0x7e) {
      const like = LOOK_ALIKES[code];
      const name = `U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
      return like !== undefined ? `contains ${name}, which looks like ${like}; paths must be ASCII` : `contains non-ASCII character ${name}; paths must be ASCII`;
    }
  }
  if (!path.startsWith('/')) return 'is not absolute (must start with /)';
  if (path === '/') return undefined;
  if (path.endsWith('/')) return 'ends with /';
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') return 'contains an empty segment (//)';
    if (segment === '.' || segment === '..') return `contains a "${segment}" segment`;
  }
  return undefined;
}

export function readPath(value: unknown, path: string): string {
  const text = readString(value, path);
  const problem = pathProblem(text);
  if (problem !== undefined) throw schemaError(path, `${JSON.stringify(text)} ${problem}`, 'write an absolute canonical path like /workspace/data');
  return text;
}

/**
 * A path relative to the agent's scratch directory (manifest `retain`): the
 * same canonical rules, minus the leading "/": no absolute path, no "." or
 * ".." segment, no empty segment, ASCII only.
 */
export function readRelativePath(value: unknown, path: string): string {
  const text = readString(value, path);
  const problem = text.startsWith('/') ? 'is absolute; retain paths are relative to the scratch directory' : pathProblem(`/${text}`);
  if (problem !== undefined) throw schemaError(path, `${JSON.stringify(text)} ${problem}`, 'write a relative canonical path like out/report.md');
  return text;
}

/** `inner` is `outer` or lies below it. */
export function pathWithin(inner: string, outer: string): boolean {
  return inner === outer || outer === '/' || inner.startsWith(`${outer}/`);
}

/** Drop entries inside another entry and duplicates; sort. */
export function normalizePaths(paths: Iterable<string>): string[] {
  const unique = [...new Set(paths)].sort();
  return unique.filter((p) => !unique.some((q) => q !== p && pathWithin(p, q)));
}

/** Paths reachable through both sets: for nested pairs the inner one. */
export function intersectPaths(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  for (const x of a) {
    for (const y of b) {
      if (pathWithin(x, y)) out.push(x);
      else if (pathWithin(y, x)) out.push(y);
    }
  }
  return normalizePaths(out);
}

/** The first entry of `inner` not covered by any entry of `outer`. */
export function firstPathOutside(inner: readonly string[], outer: readonly string[]): number {
  return inner.findIndex((p) => !outer.some((q) => pathWithin(p, q)));
}
