import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESCAPED_MARK, hasUnsafeText, safeField, safeLines } from './safe-text.ts';

const UNSAFE = ['\n', '\r', '\x00', '\x1b', '\x7f', '\x85', '\x9b', '\u2028', '\u2029', '\u202e', '\u2066', '\u2069', '\u200f', '\u061c', '\ud800', '\udfff'];

test('every unsafe character is escaped and the field is marked; none survives', () => {
  for (const c of UNSAFE) {
    const out = safeField(`a${c}b`);
    assert.ok(out.startsWith(`${ESCAPED_MARK}"`), JSON.stringify(out));
    assert.equal(hasUnsafeText(out), false, JSON.stringify(out));
  }
  assert.equal(safeField('evil\n2026-01-01  system  vault  allow'), `${ESCAPED_MARK}"evil\\n2026-01-01  system  vault  allow"`);
  assert.equal(safeField('\x1b[2J\x9b31m'), `${ESCAPED_MARK}"\\x1b[2J\\x9b31m"`);
  assert.equal(safeField('ab\u202edc'), `${ESCAPED_MARK}"ab\\u202edc"`);
  // Backslash and quote inside an escaped field are escaped too: the quoted form reads back one way only.
  assert.equal(safeField('x\\x1b"\n'), `${ESCAPED_MARK}"x\\\\x1b\\"\\n"`);
});

test('the mark cannot be forged: a field that starts with it is quoted too', () => {
  assert.equal(safeField('[escaped]"fine"'), '[escaped]"[escaped]\\"fine\\""');
  assert.equal(safeField('not [escaped] at the start'), 'not [escaped] at the start');
});

test('working twin: printable text, including non-ASCII and surrogate pairs, is unchanged', () => {
  for (const s of ['', '/work/a b.txt', 'naïve — ünïcode', 'emoji 😀 pair', 'back\\slash "quoted"', '{"a":1}', 'שלום']) {
    assert.equal(safeField(s), s);
    assert.deepEqual(safeLines(s), { text: s, escaped: 0 });
  }
});

test('safeLines keeps newlines and tabs, escapes and counts the rest', () => {
  assert.deepEqual(safeLines('one\ttwo\nthree\x1b]0;title\x07\r\n\u2028'), { text: 'one\ttwo\nthree\\x1b]0;title\\x07\\r\n\\u2028', escaped: 4 });
});

test('linear: a long run of lone surrogates and controls is escaped in one pass', () => {
  const s = '\ud800'.repeat(200_000) + '\x1b'.repeat(200_000);
  const out = safeField(s);
  assert.equal(out.length, ESCAPED_MARK.length + 2 + 6 * 200_000 + 4 * 200_000);
});
