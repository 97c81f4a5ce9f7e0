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
