// A strict JSON request body: I-JSON (RFC 7493) on top of RFC 8259.
// JSON.parse alone accepts what later breaks a handler or the ledger:
//   - nesting thousands deep (recursive walkers, canonical JSON and
//     JSON.stringify overflow the stack: a 500 instead of a 400);
//   - numbers beyond the double range (1e999 parses to Infinity, which has
//     no JSON form; RFC 7493 §2.2);
//   - lone surrogates from \uD800-style escapes (RFC 7493 §2.1: strings
//     must be Unicode, i.e. well-formed);
//   - bytes that are not UTF-8 (RFC 7493 §2.1; the decoder would silently
//     turn them into U+FFFD).
//   - a member name twice in one object (RFC 7493 §2.3; JSON.parse keeps
//     the last one silently).
// Every check is one linear pass: the fatal UTF-8 decoder, a pre-scan for
// nesting and duplicate names, then JSON.parse with a reviver that sees
// each value once. The depth is checked before JSON.parse, so the reviver
// (which recurses) never runs on deep input.

import { EXIT, OctantError } from './errors.ts';

export const DEFAULT_MAX_DEPTH = 64;

export interface JsonBodyOptions {
  /** Deepest nesting of arrays and objects allowed (default 64). */
  maxDepth?: number;
  /** Error code of the refusal (default E_JSON_BODY); always exit 2, a 400 on HTTP surfaces. */
  code?: string;
  /** Prefix of error messages, e.g. 'admin API: request body'. */
  label?: string;
}

/**
 * One pass over the text for what JSON.parse does not report: nesting
 * deeper than `max`, and a member name used twice in one object (RFC 7493
 * §2.3; JSON.parse silently keeps the last, so two readers of the same
 * body could disagree). Brackets and colons inside strings do not count.
 * Names are compared decoded ("a" and "\u0061" are the same name). On
 * malformed input it may miss things; JSON.parse then reports the syntax.
 */
/** JSON whitespace (RFC 8259 §2): space, tab, line feed, carriage return. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function structureProblem(text: string, max: number): string | undefined {
  // One entry per open container: the names seen so far for an object, null for an array.
  const open: Array<Set<string> | null> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      open.push(c === 0x7b ? new Set() : null);
      if (open.length > max) return `nested more than ${max} levels deep (at character ${i})`;
    } else if (c === 0x7d || c === 0x5d) open.pop();
    else if (c === 0x22) {
      const start = i;
      let escaped = false;
      // To the closing quote; a backslash skips the character after it.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c) {
          escaped = true;
          i++;
        }
      }
      const names = open.at(-1);
      if (names == null) continue;
      let j = i + 1;
      while (isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== 0x3a) continue; // not followed by ':': a value, not a name
      let name: string;
      try {
        name = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      } catch {
        return undefined;
      }
      if (names.has(name)) return `member name ${JSON.stringify(name)} appears twice in one object (RFC 7493 §2.3)`;
      names.add(name);
    }
  }
  return undefined;
}

/** Where a value sits, for messages: member 'name', element [3], or the top level. */
function where(holder: unknown, key: string): string {
  if (key === '' && !Array.isArray(holder)) return 'at the top level';
  return Array.isArray(holder) ? `of element [${key}]` : `of member ${JSON.stringify(key)}`;
}

/** Parse a request body strictly; throws OctantError (exit 2) naming the problem. Empty input is undefined. */
export function parseJsonBody(bytes: Uint8Array, options: JsonBodyOptions = {}): unknown {
  const code = options.code ?? 'E_JSON_BODY';
  const label = options.label ?? 'JSON body';
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const refuse = (message: string): OctantError => new OctantError(code, `${label}: ${message}`, { exit: EXIT.usage });
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw refuse('is not valid UTF-8 (RFC 7493 §2.1)');
  }
  const problem = structureProblem(text, maxDepth);
  if (problem !== undefined) throw refuse(problem);
  try {
    // A function, not an arrow: the reviver's `this` is the object or array holding the value.
    return JSON.parse(text, function (this: unknown, key: string, value: unknown) {
      if (!key.isWellFormed()) throw refuse(`member name ${JSON.stringify(key)} holds a lone surrogate (RFC 7493 §2.1)`);
      if (typeof value === 'number' && !Number.isFinite(value)) throw refuse(`number ${where(this, key)} is out of range (not finite; RFC 7493 §2.2)`);
      if (typeof value === 'string' && !value.isWellFormed()) throw refuse(`string ${where(this, key)} holds a lone surrogate (RFC 7493 §2.1)`);
      return value;
    });
  } catch (error) {
    if (error instanceof OctantError) throw error;
    throw refuse(`is not JSON: ${(error as Error).message}`);
  }
}
