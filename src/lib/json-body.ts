// A strict JSON request body: I-JSON (RFC 7493) on top of RFC 8259.
// JSON.parse alone accepts what later breaks a handler or the ledger:
//   - nesting thousands deep (recursive walkers, canonical JSON and
//     JSON.stringify overflow the stack: a 500 instead of a 400);
//   - numbers beyond the double range (1e999 parses to Infinity, which has
//     no JSON form; RFC 7493 §2.2);
//   - lone surrogates from \uD800-style escapes (RFC 7493 §2.1: strings
//     must be Unicode, i.e. well-formed);
//   - a member name twice in one object (RFC 7493 §2.3; JSON.parse keeps
//     the last one silently, so two readers of one body could disagree);
//   - bytes that are not UTF-8 (RFC 7493 §2.1; a lenient decoder turns
//     them into U+FFFD).
// Reading a body off a request (limits, 413, 408) is lib/http/body.ts's job.
// Linear time: the fatal UTF-8 decoder, one scan of the text for the four
// other problems, then plain JSON.parse for the syntax. (A JSON.parse
// reviver would do the value checks too, but costs ~10x the parse itself.)

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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** JSON whitespace (RFC 8259 §2): space, tab, line feed, carriage return. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Characters a JSON number token is made of (RFC 8259 §6). */
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/** The UTF-16 unit of a \uXXXX escape starting at `at` (the backslash), or -1. */
function escapedUnit(text: string, at: number): number {
  if (text.charCodeAt(at) !== BACKSLASH || text.charCodeAt(at + 1) !== 0x75) return -1;
  const hex = text.slice(at + 2, at + 6);
  return /^[0-9a-fA-F]{4}$/.test(hex) ? parseInt(hex, 16) : -1;
}

const isHigh = (u: number): boolean => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number): boolean => u >= 0xdc00 && u <= 0xdfff;

/**
 * One pass over the text for what JSON.parse does not report. Inside
 * strings only escapes matter (\uXXXX surrogates must pair); outside,
 * brackets count depth, a string followed by ':' is a member name (compared
 * decoded, so "a" and "\u0061" are the same name), and a number token that
 * could overflow (an exponent, or over 300 characters) is converted to see.
 * On malformed input it may stop early or miss things; JSON.parse then
 * reports the syntax error.
 */
function structureProblem(text: string, max: number): string | undefined {
  // Per open container: the member names seen so far (objects) or null (arrays).
  const open: Array<Set<string> | null> = [];
  // Per open container: the last member name, for messages.
  const last: string[] = [];
  const where = (at: number): string => `${open.at(-1) ? `in member ${JSON.stringify(last.at(-1) ?? '')}` : open.length > 0 ? 'in an array' : 'at the top level'} (character ${at})`;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      let escaped = false;
      let lone = -1;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === QUOTE) break;
        if (d !== BACKSLASH) continue;
        escaped = true;
        const unit = escapedUnit(text, i);
        if (unit === -1) {
          i++; // \" \\ \n ...: skip the escaped character
        } else if (isHigh(unit) && isLow(escapedUnit(text, i + 6))) {
          i += 11; // a surrogate pair
        } else {
          if ((isHigh(unit) || isLow(unit)) && lone === -1) lone = i;
          i += 5;
        }
      }
      let j = i + 1;
      while (isSpace(text.charCodeAt(j))) j++;
      const names = open.at(-1);
      const isName = names != null && text.charCodeAt(j) === 0x3a;
      if (lone !== -1) {
        const what = isName ? `member name ${JSON.stringify(text.slice(start + 1, Math.min(i, start + 41)))} (character ${start})` : `string ${where(start)}`;
        return `${what} holds a lone surrogate \\u${text.slice(lone + 2, lone + 6)} (RFC 7493 §2.1)`;
      }
      if (!isName) continue; // a value, not a member name
      let name: string;
      try {
        name = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      } catch {
        return undefined; // a malformed name: JSON.parse names the syntax error
      }
      if (names!.has(name)) return `member name ${JSON.stringify(name)} appears twice in one object (character ${start}; RFC 7493 §2.3)`;
      names!.add(name);
      last[last.length - 1] = name;
    } else if (c === 0x7b || c === 0x5b) {
      open.push(c === 0x7b ? new Set() : null);
      last.push('');
      if (open.length > max) return `nested more than ${max} levels deep (at character ${i})`;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      last.pop();
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      let exponent = false;
      while (i + 1 < n && isNumberChar(text.charCodeAt(i + 1))) {
        i++;
        if ((text.charCodeAt(i) | 0x20) === 0x65) exponent = true;
      }
      // Only an exponent or more than 300 digits can go past 1.8e308.
      if ((exponent || i - start > 300) && !Number.isFinite(Number(text.slice(start, i + 1)))) {
        return `number ${text.slice(start, Math.min(i + 1, start + 40))} ${where(start)} is out of range (not finite; RFC 7493 §2.2)`;
      }
    }
  }
  return undefined;
}

/** Parse a request body strictly; throws OctantError (exit 2) naming the problem. Empty input is undefined. */
export function parseJsonBody(bytes: Uint8Array, options: JsonBodyOptions = {}): unknown {
  const code = options.code ?? 'E_JSON_BODY';
  const label = options.label ?? 'JSON body';
  const refuse = (message: string): OctantError => new OctantError(code, `${label}: ${message}`, { exit: EXIT.usage });
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw refuse('is not valid UTF-8 (RFC 7493 §2.1)');
  }
  const problem = structureProblem(text, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  if (problem !== undefined) throw refuse(problem);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw refuse(`is not JSON: ${(error as Error).message}`);
  }
}
