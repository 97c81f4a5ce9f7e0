import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isOctantError } from './errors.ts';
import { parseRequestJson, readJsonBody } from './json-body.ts';

const parse = (text: string | Buffer, depth = 4): unknown => parseRequestJson(typeof text === 'string' ? Buffer.from(text) : text, depth);
const refused = (why: RegExp) => (e: unknown) => isOctantError(e, 'E_BODY_JSON') && e.detail?.status === 400 && why.test(e.message);

test('nesting is bounded before parsing; brackets and escapes inside strings do not count', () => {
  assert.deepEqual(parse('[[[[1]]]]'), [[[[1]]]]);
  assert.throws(() => parse('[[[[[1]]]]]'), refused(/nested more than 4 levels deep/));
  assert.throws(() => parse('['.repeat(10_000_000)), refused(/nested more than/));
  assert.deepEqual(parse('{"a":"[[[[[[\\"{{{{{"}'), { a: '[[[[[["{{{{{' });
});

test('escaped lone surrogates are refused (I-JSON); pairs and other escapes pass', () => {
  assert.throws(() => parse('{"a":"\\ud800"}'), refused(/lone surrogate \\uD800/i));
  assert.throws(() => parse('{"a":"x\\uDC00y"}'), refused(/lone surrogate \\uDC00/i));
  assert.throws(() => parse('{"a":"\\ud800\\u0041"}'), refused(/lone surrogate/));
  assert.throws(() => parse('{"\\ud83d":1}'), refused(/lone surrogate/), 'in a member name too');
  assert.deepEqual(parse('{"a":"\\ud83d\\ude00 \\u00e9 \\\\ud800"}'), { a: '😀 é \\ud800' });
});

test('invalid UTF-8, empty bodies and non-JSON are refused; a plain object passes', () => {
  assert.throws(() => parse(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), refused(/not valid UTF-8/));
  assert.throws(() => parse(''), refused(/empty/));
  assert.throws(() => parse('{"a":'), refused(/is not JSON/));
  assert.deepEqual(parse('{"model":"m","n":1e3}'), { model: 'm', n: 1000 });
});

test('over the limit: a 413 the client receives (declared or streamed), and the connection stays usable', async () => {
  const server = http.createServer((req, res) => {
    readJsonBody(req, { limit: 1024, maxDepth: 8 }).then(
      (body) => res.writeHead(200).end(JSON.stringify(body)),
      (e: { code: string; detail: { status: number } }) => res.writeHead(e.detail.status).end(e.code),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const big = 'x'.repeat(3000);
    const declared = await fetch(url, { method: 'POST', body: big });
    assert.equal(declared.status, 413);
    assert.equal(await declared.text(), 'E_BODY_TOO_LARGE');
    // Chunked: no length declared, the cap is found while reading.
    const streamed = await fetch(url, { method: 'POST', body: new Blob([big]).stream(), duplex: 'half' } as RequestInit);
    assert.equal(streamed.status, 413);
    const ok = await fetch(url, { method: 'POST', body: '{"a":1}' });
    assert.deepEqual(await ok.json(), { a: 1 });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
