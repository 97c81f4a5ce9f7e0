// Text that came from an agent (ledger targets and details, reasons,
// answers, logs), made safe to print on an operator's terminal. Without
// this an agent forges whole lines (a newline, U+2028) or sends terminal
// escapes (ESC, CSI as C1 0x9B) and bidi overrides (Trojan Source,
// CVE-2021-42574) that reorder what the operator reads.
//
// Escaped: C0 (U+0000-001F), DEL (U+007F), C1 (U+0080-009F), the line and
// paragraph separators U+2028/2029, the bidi controls U+061C, U+200E/200F,
// U+202A-202E and U+2066-2069, and lone surrogates (printed as U+FFFD by
// an encoder, hiding what was stored). Everything else passes unchanged.

/** One pass over UTF-16 code units: linear in the length, no backtracking. */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** The same set without newline and tab: for multi-line text such as logs. */
const UNSAFE_IN_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The mark in front of a field that had to be escaped, so the operator knows it is not the raw text. */
export const ESCAPED_MARK = '[escaped]';

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\', '"': '\\"' };

/** Escapes made so far, by character (an agent repeats the same few); bounded by the ~2,200 unsafe characters. */
const made = new Map<string, string>();

function escapeChar(c: string): string {
  let out = SHORT[c] ?? made.get(c);
  if (out === undefined) {
    const code = c.charCodeAt(0);
    out = code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    made.set(c, out);
  }
  return out;
}

/** Does `text` hold anything that must not reach a terminal as is? */
export function hasUnsafeText(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text);
}

/**
 * One field of a one-line record. Safe text comes back unchanged; anything
 * else comes back as `[escaped]"..."` with the unsafe characters written
 * as \n, \xNN or \uNNNN (and \ and " escaped too, so the quoted form reads
 * back unambiguously). The output never holds a line break or a control.
 * A field that starts with the mark itself is quoted the same way.
 */
export function safeField(text: string): string {
  // Text that itself starts with the mark is quoted too, so the mark cannot be forged.
  if (!hasUnsafeText(text) && !text.startsWith(ESCAPED_MARK)) return text;
  return `${ESCAPED_MARK}"${text.replace(/[\\"]/g, escapeChar).replace(UNSAFE, escapeChar)}"`;
}

/**
 * Multi-line text (an agent's log): newlines and tabs are kept, every other
 * unsafe character is written as \xNN or \uNNNN. `escaped` counts them, so
 * the caller can say that the text was changed.
 */
export function safeLines(text: string): { text: string; escaped: number } {
  let escaped = 0;
  const out = text.replace(UNSAFE_IN_LINES, (c) => {
    escaped++;
    return escapeChar(c);
  });
  return { text: out, escaped };
}
