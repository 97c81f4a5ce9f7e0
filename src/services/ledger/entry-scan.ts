// Read the fields a replay needs (seq, agent, prev, and whether the entry
// is a seal) straight from stored entry bytes, without building the whole
// entry with JSON.parse: verify and open spend most of their time there.
//
// Stored entries are RFC 8785 canonical JSON written by entry.ts, so the
// top level is exactly these ten members in this order with no
// whitespace. The scan insists on that layout (stricter than JSON.parse:
// a record with extra, missing or reordered members, or whitespace, is
// "not a ledger entry") and checks the JSON syntax (RFC 8259 §2-§7) of
// the members it skips (detail, lineage, target, time), so a record
// refused by parseEntry is refused here too.

import { SEAL_ACTION, SEAL_KIND } from './entry.ts';

const KEYS = ['action', 'agent', 'decision', 'detail', 'kind', 'lineage', 'prev', 'seq', 'target', 'time'] as const;
// `{"action":`, `,"agent":`, ... as bytes.
// Plain Uint8Arrays: comparing against them is the scan's hottest loop.
const KEY_BYTES = KEYS.map((k, i) => Uint8Array.from(Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(k)}:`, 'latin1')));

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const IN_OBJECT = 1;
const IN_ARRAY = 2;

export interface EntryHead {
  seq: number;
  agent: string;
  /** kind "lifecycle" and action "partition.seal" (entry.ts isSeal). */
  seal: boolean;
  /** The prev member's JSON string (quotes included) is bytes[prevStart:prevEnd]. */
  prevStart: number;
  prevEnd: number;
}

const SEAL_KIND_BYTES = Buffer.from(JSON.stringify(SEAL_KIND));
const SEAL_ACTION_BYTES = Buffer.from(JSON.stringify(SEAL_ACTION));

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

// What a byte means inside a JSON string: 0 plain, 1 the closing quote,
// 2 an escape, 3 a control character (RFC 8259 §7: must be escaped).
const IN_STRING = Uint8Array.from({ length: 256 }, (_, c) => (c === QUOTE ? 1 : c === BACKSLASH ? 2 : c < 0x20 ? 3 : 0));

/** End (past the closing quote) of the JSON string starting at p, or -1. */
function skipString(b: Uint8Array, p: number): number {
  if (b[p] !== QUOTE) return -1;
  const n = b.length;
  p++;
  for (;;) {
    // Plain bytes are nearly all of it: one table lookup each.
    while (p < n && IN_STRING[b[p]!] === 0) p++;
    if (p >= n) return -1;
    const kind = IN_STRING[b[p]!];
    if (kind === 1) return p + 1;
    if (kind === 3) return -1;
    const e = b[++p];
    if (e === 0x75) {
      // \uXXXX
      if (!isHex(b[p + 1]) || !isHex(b[p + 2]) || !isHex(b[p + 3]) || !isHex(b[p + 4])) return -1;
      p += 5;
    } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
      p++;
    } else {
      return -1;
    }
  }
}

/** End of the JSON number starting at p (RFC 8259 §6 grammar), or -1. */
function skipNumber(b: Uint8Array, p: number): number {
  if (b[p] === MINUS) p++;
  if (b[p] === ZERO) p++;
  else if (isDigit(b[p])) while (isDigit(b[p])) p++;
  else return -1;
  if (b[p] === 0x2e) {
    p++;
    if (!isDigit(b[p])) return -1;
    while (isDigit(b[p])) p++;
  }
  if (b[p] === 0x65 || b[p] === 0x45) {
    p++;
    if (b[p] === 0x2b || b[p] === MINUS) p++;
    if (!isDigit(b[p])) return -1;
    while (isDigit(b[p])) p++;
  }
  return p;
}

const LITERALS = [Buffer.from('true'), Buffer.from('false'), Buffer.from('null')];

function skipLiteral(b: Uint8Array, p: number): number {
  for (const lit of LITERALS) {
    if (b[p] !== lit[0]) continue;
    for (let i = 1; i < lit.length; i++) if (b[p + i] !== lit[i]) return -1;
    return p + lit.length;
  }
  return -1;
}

/**
 * End of the JSON value starting at p, or -1. Iterative (an explicit stack
 * of open containers), so deep nesting cannot overflow the call stack.
 */
function skipValue(b: Uint8Array, p: number): number {
  const open: number[] = [];
  for (;;) {
    const c = b[p];
    if (c === LBRACE || c === LBRACK) {
      p++;
      if (b[p] === (c === LBRACE ? RBRACE : RBRACK)) {
        p++;
      } else {
        open.push(c === LBRACE ? IN_OBJECT : IN_ARRAY);
        if (c === LBRACE) {
          p = skipString(b, p);
          if (p < 0 || b[p++] !== COLON) return -1;
        }
        continue;
      }
    } else {
      p = c === QUOTE ? skipString(b, p) : c === MINUS || isDigit(c) ? skipNumber(b, p) : skipLiteral(b, p);
      if (p < 0) return -1;
    }
    // A value ended: close containers until one wants another member.
    for (;;) {
      if (open.length === 0) return p;
      const top = open[open.length - 1];
      const d = b[p];
      if (d === COMMA) {
        p++;
        if (top === IN_OBJECT) {
          p = skipString(b, p);
          if (p < 0 || b[p++] !== COLON) return -1;
        }
        break;
      }
      if (d !== (top === IN_OBJECT ? RBRACE : RBRACK)) return -1;
      open.pop();
      p++;
    }
  }
}

/** The string value of the JSON string b[start:end] (quotes included). */
export function decodeString(b: Buffer, start: number, end: number): string {
  for (let i = start + 1; i < end - 1; i++) {
    const c = b[i]!;
    if (c === BACKSLASH || c >= 0x80) return JSON.parse(b.toString('utf8', start, end)) as string;
  }
  return b.toString('latin1', start + 1, end - 1);
}

/** Is the JSON string b[start:end] exactly `quoted` (a JSON-quoted ASCII string with no escapes)? */
function sameString(b: Buffer, start: number, end: number, quoted: Buffer): boolean {
  if (end - start === quoted.length) {
    for (let i = 0; i < quoted.length; i++) if (b[start + i] !== quoted[i]) return false;
    return true;
  }
  // Only a string with escapes can spell the same text in more bytes.
  return end - start > quoted.length && b.indexOf(BACKSLASH, start) < end && decodeString(b, start, end) === decodeString(quoted, 0, quoted.length);
}

// Agents repeat across entries: keep each plain (ASCII, unescaped) agent
// string once, found by a hash of its bytes and confirmed byte by byte,
// instead of decoding a new string per entry.
const agentCache = new Map<number, { bytes: Uint8Array; text: string }>();

function agentOf(b: Buffer, start: number, end: number): string {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = start + 1; i < end - 1; i++) {
    const c = b[i]!;
    if (c === BACKSLASH || c >= 0x80) return decodeString(b, start, end);
    h = Math.imul(h ^ c, 0x01000193);
  }
  const key = h ^ (end - start);
  const hit = agentCache.get(key);
  if (hit !== undefined && hit.bytes.length === end - start - 2) {
    let same = true;
    for (let i = 0; i < hit.bytes.length; i++) if (hit.bytes[i] !== b[start + 1 + i]) { same = false; break; }
    if (same) return hit.text;
  }
  const text = b.toString('latin1', start + 1, end - 1);
  if (agentCache.size < 65_536) agentCache.set(key, { bytes: Uint8Array.from(b.subarray(start + 1, end - 1)), text });
  return text;
}

/** The digits of a canonical seq (no sign, fraction or exponent); NaN otherwise. */
function integerOf(b: Buffer, start: number, end: number): number {
  if (end - start > 15) return Number(b.toString('latin1', start, end));
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (!isDigit(c)) return Number(b.toString('latin1', start, end));
    v = v * 10 + (c - ZERO);
  }
  return v;
}

/** The replay fields of stored entry bytes; undefined when they are not a canonical entry. */
export function scanEntryHead(b: Buffer): EntryHead | undefined {
  // Straight-line, member by member in their fixed order; each step takes
  // the end of the previous member (-1 passes through every later step).
  // Member k's value starts right after its fixed-length key.
  const action = str(b, 0, 0);
  const agent = str(b, action, 1);
  const decision = str(b, agent, 2);
  const detail = composite(b, decision, 3, LBRACE);
  const kind = str(b, detail, 4);
  const lineage = composite(b, kind, 5, LBRACK);
  const prev = str(b, lineage, 6);
  const seqEnd = key(b, prev, 7) < 0 ? -1 : skipNumber(b, prev + KEY_BYTES[7]!.length);
  const target = str(b, seqEnd, 8);
  const time = str(b, target, 9);
  if (time < 0 || b[time] !== RBRACE || time + 1 !== b.length) return undefined;
  const seq = integerOf(b, prev + KEY_BYTES[7]!.length, seqEnd);
  if (!Number.isSafeInteger(seq)) return undefined;
  const at = (end: number, k: number) => end + KEY_BYTES[k]!.length;
  const seal = sameString(b, at(detail, 4), kind, SEAL_KIND_BYTES) && sameString(b, at(0, 0), action, SEAL_ACTION_BYTES);
  return { seq, agent: agentOf(b, at(action, 1), agent), seal, prevStart: at(lineage, 6), prevEnd: prev };
}

/** Past member k's `{"name":` / `,"name":` at p, or -1 (also when p is already -1). */
function key(b: Buffer, p: number, k: number): number {
  if (p < 0) return -1;
  const bytes = KEY_BYTES[k]!;
  const length = bytes.length;
  for (let i = 0; i < length; i++) if (b[p + i] !== bytes[i]) return -1;
  return p + length;
}

/** End of member k (a string) starting at p, or -1. */
function str(b: Buffer, p: number, k: number): number {
  return skipString(b, key(b, p, k));
}

/** End of member k (an object or array, opening with `open`) starting at p, or -1. */
function composite(b: Buffer, p: number, k: number, open: number): number {
  const v = key(b, p, k);
  return v < 0 || b[v] !== open ? -1 : skipValue(b, v);
}
