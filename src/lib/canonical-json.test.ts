import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from './canonical-json.ts';

test('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
  const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
  // Read the keys off the text: JSON.parse would reorder the integer-like '1'.
  const keys = [...canonicalJson(input).matchAll(/"([^"]*)":/g)].map((m) => JSON.parse(`"${m[1]}"`));
  assert.deepEqual(keys, ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
});

test('serialises numbers as ECMAScript does (RFC 8785 appendix B samples)', () => {
  assert.equal(canonicalJson([333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001, -0]), '[333333333.3333333,1e+30,4.5,0.002,1e-27,0]');
});

test('nested structures have no whitespace', () => {
  assert.equal(canonicalJson({ b: [1, { d: true, c: null }], a: 'x' }), '{"a":"x","b":[1,{"c":null,"d":true}]}');
});

test('refuses values with no JSON form', () => {
  assert.throws(() => canonicalJson({ a: NaN }), /\$\.a: NaN/);
  assert.throws(() => canonicalJson({ a: Infinity }), /E_CANONICAL_JSON|no JSON form/);
  assert.throws(() => canonicalJson([1n]), /bigint/);
});

test('names the path of the value with no JSON form, however deep', () => {
  assert.throws(() => canonicalJson({ a: { list: [1, 2, { fn: () => 0 }] } }), /\$\.a\.list\[2\]\.fn: a function/);
  assert.throws(() => canonicalJson([1, undefined]), /\$\[1\]: a undefined/);
  assert.throws(() => canonicalJson({ s: Symbol('x') }), /\$\.s: a symbol/);
});

test('refuses array holes (no JSON form) and leaves out undefined members', () => {
  // eslint-disable-next-line no-sparse-arrays
  assert.throws(() => canonicalJson([1, , 3]), /\$\[1\]: a undefined/);
  assert.equal(canonicalJson({ b: undefined, a: 1 }), '{"a":1}');
});

test('equals JSON.stringify of the same value with its keys sorted at every level', () => {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  const sample = { route: 'default', order: ['b', 'a'], scores: [{ id: 'x', score: 0.25, parts: { cost: 1e-7, latency: 12 } }], reason: 'quoted "\u2028" text', n: -0, e: [] , o: {} };
  // Object.fromEntries keeps integer-like keys first, so the sample has none.
  assert.equal(canonicalJson(sample), JSON.stringify(sorted(sample)));
});
