// The encoded forms in which a secret value can come back in a response:
// what the redactor scans for besides the value itself. Each form is a
// literal string, so one multi-pattern automaton finds all of them in one
// linear pass (pattern-automaton.ts).

/** Values shorter than this are not scanned: they would match ordinary text. */
export const MIN_VALUE_LENGTH = 6;

const B64_STD = /[+/]/g;

/**
 * Base64 of the value when it sits at byte offset `shift` (0, 1 or 2) inside
 * a larger encoded text (a whole `Bearer <s>` header, `user:secret` of Basic
 * auth, a JSON document...): only the characters that depend on the value's
 * bytes alone are kept. Each end may show up to 4 bits of the value in the
 * neighbouring character (docs/vault.md "Redaction").
 */
function base64Core(bytes: Buffer, shift: number): string {
  const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
  const text = padded.toString('base64').replace(/=+$/, '');
  // Leading characters that mix in the `shift` unknown bytes: 0, 2 or 3 (RFC 4648 §4: 6 bits each).
  const head = shift === 0 ? 0 : shift === 1 ? 2 : 3;
  // Trailing characters that mix in unknown bytes after the value.
  const totalBits = padded.length * 8;
  const pure = Math.floor(totalBits / 6);
  return text.slice(head, pure);
}

/** JSON string escaping of a value (RFC 8259 §7), also the \/ and \uXXXX-only variants some encoders use. */
function jsonForms(value: string): string[] {
  const plain = JSON.stringify(value).slice(1, -1);
  const ascii = plain.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [plain, ascii, plain.replaceAll('/', '\\/')];
}

/** URL encodings (RFC 3986 §2.1): upper and lower hex digits, and form encoding (space as +). */
function urlForms(value: string): string[] {
  const upper = encodeURIComponent(value);
  return [upper, upper.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), upper.replaceAll('%20', '+')];
}

/** Every form of `value` worth scanning for, unique, none shorter than MIN_VALUE_LENGTH. */
export function secretForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out = new Set<string>([value, ...jsonForms(value), ...urlForms(value), bytes.toString('hex'), bytes.toString('hex').toUpperCase()]);
  const base64 = [bytes.toString('base64'), bytes.toString('base64url'), ...[0, 1, 2].map((shift) => base64Core(bytes, shift))];
  for (const form of base64) {
    out.add(form);
    out.add(form.replace(B64_STD, (c) => (c === '+' ? '-' : '_'))); // base64url alphabet (RFC 4648 §5)
    out.add(encodeURIComponent(form)); // base64 in a query string
  }
  return [...out].filter((f) => f.length >= MIN_VALUE_LENGTH);
}
