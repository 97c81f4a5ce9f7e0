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
// Every check is one linear pass: the nesting pre-scan over the bytes, the
// fatal UTF-8 decoder, then JSON.parse with a reviver that sees each value
// once. The depth is checked first, so the reviver (which recurses) never
// runs on deep input.

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

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Byte offset where nesting first exceeds `max`, or -1. Brackets inside strings do not count. */
function tooDeepAt(bytes: Uint8Array, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > max) return i;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return -1;
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
  const deep = tooDeepAt(bytes, maxDepth);
  if (deep !== -1) throw refuse(`nested more than ${maxDepth} levels deep (at byte ${deep})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw refuse('is not valid UTF-8 (RFC 7493 §2.1)');
  }
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
