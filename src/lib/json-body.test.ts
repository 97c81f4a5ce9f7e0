import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonBody } from './json-body.ts';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

function refused(input: Uint8Array | string, pattern: RegExp, maxDepth?: number): void {
  assert.throws(() => parseJsonBody(typeof input === 'string' ? bytes(input) : input, { maxDepth, label: 'body' }), (e: { code: string; exit: number; message: string }) => {
    assert.equal(e.code, 'E_JSON_BODY');
    assert.equal(e.exit, 2);
    assert.match(e.message, pattern);
    return true;
  });
}

test('nesting deeper than the limit is refused, naming the limit and the byte', () => {
  refused('['.repeat(5000) + ']'.repeat(5000), /^body: nested more than 64 levels deep \(at character 64\)$/);
  refused(`{"a":${'{"a":'.repeat(10)}1${'}'.repeat(11)}`, /nested more than 8 levels/, 8);
  // Brackets inside strings (escaped quotes included) do not count.
  assert.deepEqual(parseJsonBody(bytes(JSON.stringify({ s: '[[[[[[[[[[\\"[[[[[' })), { maxDepth: 2 }), { s: '[[[[[[[[[[\\"[[[[[' });
  // Working twin: exactly the limit is fine.
  assert.equal((parseJsonBody(bytes('['.repeat(64) + ']'.repeat(64))) as unknown[]).length, 1);
});

test('numbers beyond the double range are refused, naming where they are', () => {
  refused('1e999', /number 1e999 at the top level \(character 0\) is out of range/);
  refused('{"max_tokens": -1e400}', /number -1e400 in member "max_tokens" \(character 15\) is out of range \(not finite; RFC 7493 §2\.2\)/);
  refused('{"a":[1,2,1e309]}', /number 1e309 in an array \(character 10\) is out of range/);
  refused(`[${'9'.repeat(400)}]`, /number 9{40} in an array \(character 1\) is out of range/);
  refused('{"a":1E+400}', /number 1E\+400 in member "a"/);
  refused('{"a": Infinity}', /is not JSON/);
  refused('{"a": NaN}', /is not JSON/);
  assert.deepEqual(parseJsonBody(bytes(`{"a":1.7976931348623157e308,"b":-0,"c":5e-324,"d":1e-999,"e":${'9'.repeat(300)},"f":"1e999"}`)), { a: 1.7976931348623157e308, b: -0, c: 5e-324, d: 0, e: Number('9'.repeat(300)), f: '1e999' });
});

test('lone surrogates are refused in values and member names; pairs are fine', () => {
  refused('{"target":"\\ud800"}', /string in member "target" \(character 10\) holds a lone surrogate \\ud800 \(RFC 7493 §2\.1\)/);
  refused('["ok","\\udc00x"]', /string in an array \(character 6\) holds a lone surrogate \\udc00/);
  refused('{"a\\udbff":1}', /member name "a\\\\udbff" \(character 1\) holds a lone surrogate \\udbff/);
  refused('"\\ud800\\ud800"', /string at the top level \(character 0\) holds a lone surrogate \\ud800/);
  refused('"\\ude00\\ud83d"', /lone surrogate \\ude00/);
  refused('"\\ud83d\\u0041"', /lone surrogate \\ud83d/);
  assert.deepEqual(parseJsonBody(bytes('{"e":"\\ud83d\\ude00","f":"😀","g":"\\\\ud800","h":"\\u00e9\\"\\n"}')), { e: '😀', f: '😀', g: '\\ud800', h: 'é"\n' });
});

test('bytes that are not UTF-8 are refused rather than replaced', () => {
  refused(Buffer.from([0x22, 0xff, 0x22]), /not valid UTF-8/);
  refused(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), /not valid UTF-8/); // CESU-8 surrogate
});

test('malformed JSON is refused with the parser message; empty input is no body', () => {
  refused('{"a":', /^body: is not JSON: /);
  refused('{"a":1} x', /is not JSON/);
  assert.equal(parseJsonBody(new Uint8Array(0)), undefined);
  assert.deepEqual(parseJsonBody(bytes('{"a":[1,{"b":null}],"c":"x"}'), { code: 'E_X' }), { a: [1, { b: null }], c: 'x' });
  assert.throws(() => parseJsonBody(bytes('['), { code: 'E_X' }), { code: 'E_X' });
});

test('a member name twice in one object is refused, however it is spelled; the same name in two objects is fine', () => {
  refused('{"agent":"operator","agent":"system"}', /member name "agent" appears twice in one object \(character 20; RFC 7493 §2\.3\)/);
  refused('{"a":1, "\\u0061" :2}', /member name "a" appears twice/);
  refused('{"x":{"k":1,"k":2}}', /member name "k" appears twice/);
  refused('[{"k":[1,{"k":0}],"k":2}]', /member name "k" appears twice/);
  assert.deepEqual(parseJsonBody(bytes('{"k":1,"o":{"k":2},"l":[{"k":3},{"k":4}],"s":"k:","t":"\\"k\\":"}')), { k: 1, o: { k: 2 }, l: [{ k: 3 }, { k: 4 }], s: 'k:', t: '"k":' });
});

test('brackets and escapes inside strings do not count toward nesting; a 10-million-bracket body is refused before parsing', () => {
  assert.deepEqual(parseJsonBody(bytes('[[[[1]]]]'), { maxDepth: 4 }), [[[[1]]]]);
  refused('[[[[[1]]]]]', /nested more than 4 levels deep/, 4);
  refused('['.repeat(10_000_000), /nested more than/);
  assert.deepEqual(parseJsonBody(bytes('{"a":"[[[[[[\\"{{{{{"}'), { maxDepth: 4 }), { a: '[[[[[["{{{{{' });
});

test('escaped lone surrogates are refused wherever they stand; pairs and escaped backslashes pass', () => {
  refused('{"a":"x\\uDC00y"}', /lone surrogate \\uDC00/i);
  refused('{"a":"\\ud800\\u0041"}', /lone surrogate/);
  assert.deepEqual(parseJsonBody(bytes('{"a":"\\ud83d\\ude00 \\u00e9 \\\\ud800"}')), { a: '😀 é \\ud800' });
});
