// The response parser's rules, each refused case with an accepted twin, and
// every response also fed one byte at a time (a rule must not depend on
// where the socket's reads happen to split).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FramingError, HEAD_LIMIT, ResponseParser, type ResponseHead } from './response-parser.ts';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  ended: boolean;
  parser: ResponseParser;
}

function parse(text: string | Buffer, split: 'whole' | 'bytes' = 'whole'): Parsed {
  const out: Parsed = { heads: [], body: '', ended: false, parser: new ResponseParser() };
  out.parser.expect({ head: (h) => void out.heads.push(h), data: (c) => void (out.body += c.toString('latin1')), end: () => void (out.ended = true) });
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  if (split === 'whole') out.parser.feed(bytes);
  else for (let i = 0; i < bytes.length; i++) out.parser.feed(bytes.subarray(i, i + 1));
  return out;
}

/** Parses the same way whole and byte by byte; returns the whole-buffer result. */
function both(text: string): Parsed {
  const whole = parse(text);
  const bytes = parse(text, 'bytes');
  assert.deepEqual({ heads: bytes.heads, body: bytes.body, ended: bytes.ended }, { heads: whole.heads, body: whole.body, ended: whole.ended });
  return whole;
}

function refuses(text: string, pattern: RegExp): void {
  for (const split of ['whole', 'bytes'] as const) {
    assert.throws(() => parse(text, split), (e: unknown) => e instanceof FramingError && pattern.test(e.message), `${split}: ${JSON.stringify(text.slice(0, 60))}`);
  }
}

test('a Content-Length response: status, lower-case headers, body, keep-alive', () => {
  const r = both('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-A: 1\r\nx-a: 2\r\nSet-Cookie: a=1\r\nContent-Length: 5\r\n\r\nhello');
  assert.equal(r.heads[0].status, 200);
  assert.equal(r.heads[0].headers['content-type'], 'application/json');
  assert.equal(r.heads[0].headers['x-a'], '1, 2');
  assert.deepEqual(r.heads[0].headers['set-cookie'], ['a=1']);
  assert.equal(r.heads[0].keepAlive, true);
  assert.equal(r.body, 'hello');
  assert.ok(r.ended && r.parser.idle);
});

test('header names that are also Object.prototype names neither pollute nor read inherited values', () => {
  const h = both('HTTP/1.1 200 OK\r\n__proto__: x\r\nConstructor: c\r\ntoString: t\r\ntostring: u\r\nContent-Length: 0\r\n\r\n').heads[0].headers as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(h), Object.prototype);
  assert.equal(h.constructor, 'c');
  assert.equal(h.tostring, 't, u');
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('status line: HTTP/1.x DDD with or without a reason; anything else refused', () => {
  assert.equal(both('HTTP/1.1 204\r\n\r\n').heads[0].status, 204);
  assert.equal(both('HTTP/1.0 200 \r\nContent-Length: 0\r\n\r\n').heads[0].keepAlive, false, 'HTTP/1.0 is not reused');
  refuses('HTTP/2 200 OK\r\n\r\n', /status line/);
  refuses('HTTP/1.1 20 OK\r\n\r\n', /status line/);
  refuses('HTTP/1.1 2000 OK\r\n\r\n', /status line/);
  refuses('ICY 200 OK\r\n\r\n', /status line/);
  refuses('HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n', /status line/);
  refuses('HTTP/1.1 099 Low\r\n\r\n', /out of range/);
});

test('the head is at most 64 KiB, whether or not its end has arrived', () => {
  const filler = (n: number): string => `x-f: ${'a'.repeat(n)}\r\n`;
  const fits = `HTTP/1.1 200 OK\r\n${filler(HEAD_LIMIT - 200)}Content-Length: 0\r\n\r\n`;
  assert.equal(parse(fits).heads.length, 1);
  refuses(`HTTP/1.1 200 OK\r\n${filler(HEAD_LIMIT)}Content-Length: 0\r\n\r\n`, /head over/);
  const p = new ResponseParser();
  p.expect({ head: () => {}, data: () => {}, end: () => {} });
  assert.throws(() => p.feed(Buffer.from(`HTTP/1.1 200 OK\r\n${filler(HEAD_LIMIT)}`)), /head over/, 'refused before the blank line arrives');
});

test('header names are tokens; no space before the colon, no folding, no control characters', () => {
  assert.equal(both("HTTP/1.1 200 OK\r\nX-Ok_1!#$%&'*+.^`|~: v\r\nContent-Length: 0\r\n\r\n").heads[0].headers["x-ok_1!#$%&'*+.^`|~"], 'v');
  refuses('HTTP/1.1 200 OK\r\nX Bad: v\r\nContent-Length: 0\r\n\r\n', /not a token/);
  refuses('HTTP/1.1 200 OK\r\nX-Bad : v\r\nContent-Length: 0\r\n\r\n', /not a token/);
  refuses('HTTP/1.1 200 OK\r\nX-A: v\r\n folded\r\nContent-Length: 0\r\n\r\n', /folding/);
  refuses('HTTP/1.1 200 OK\r\n: v\r\nContent-Length: 0\r\n\r\n', /without a name/);
  refuses('HTTP/1.1 200 OK\r\nX-A: v\x00w\r\nContent-Length: 0\r\n\r\n', /control character/);
  refuses('HTTP/1.1 200 OK\r\nX-A: v\nContent-Length: 5\r\n\r\n', /control character/);
  refuses('HTTP/1.1 200 OK\r\nX-A: v\rContent-Length: 5\r\n\r\n', /control character/);
});

test('Content-Length: digits only; identical duplicates accepted, conflicting ones refused', () => {
  assert.equal(both('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok').body, 'ok');
  refuses('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok', /conflicting/);
  refuses('HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok', /not a decimal/);
  refuses('HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok', /not a decimal/);
  refuses('HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\nok', /not a decimal/);
  refuses('HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456\r\n\r\nok', /not a decimal/);
});

test('chunked bodies: hex sizes, extensions ignored, trailers skipped', () => {
  const r = both('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA \r\n, world!!!\r\n0\r\nX-Trailer: t\r\n\r\n');
  assert.equal(r.body, 'hello, world!!!');
  assert.ok(r.ended);
  assert.equal(r.heads[0].keepAlive, true);
  assert.equal(both('HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n').ended, true);
});

test('chunked bodies: malformed sizes, a missing CRLF after the data and oversized lines are refused', () => {
  const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
  refuses(`${chunked}g\r\nhello\r\n0\r\n\r\n`, /chunk size/);
  refuses(`${chunked}-5\r\nhello\r\n0\r\n\r\n`, /chunk size/);
  refuses(`${chunked}\r\nhello\r\n0\r\n\r\n`, /chunk size/);
  refuses(`${chunked}123456789\r\n`, /chunk size/);
  refuses(`${chunked}5\r\nhelloXX0\r\n\r\n`, /CRLF/);
  refuses(`${chunked}5\r\nhello\rX0\r\n\r\n`, /CRLF/);
  refuses(`${chunked}5;${'e'.repeat(5000)}\r\nhello\r\n0\r\n\r\n`, /chunk size line over/);
  refuses(`${chunked}0\r\n${'x-t: v\r\n'.repeat(HEAD_LIMIT / 8 + 1)}\r\n`, /trailer section over/);
});

test('Content-Length with chunked, and codings other than chunked, are refused', () => {
  refuses('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /RFC 9112/);
  refuses('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n', /RFC 9112/);
  refuses('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n', /unsupported Transfer-Encoding/);
  refuses('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /unsupported Transfer-Encoding/);
});

test('1xx interim responses are skipped; 101 is refused', () => {
  const r = both('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  assert.deepEqual(r.heads.map((h) => h.status), [200]);
  assert.equal(r.body, 'ok');
  refuses('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', /101/);
});

test('no framing: the body runs to the close and the connection is not reused', () => {
  const r = both('HTTP/1.1 200 OK\r\n\r\nall of it');
  assert.equal(r.heads[0].keepAlive, false);
  assert.equal(r.ended, false);
  assert.equal(r.parser.eof(), true);
  assert.equal(r.ended, true);
  assert.equal(r.body, 'all of it');
});

test('a response cut short is not complete; Connection: close forbids reuse; 204 and 304 have no body', () => {
  const cut = parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf');
  assert.equal(cut.parser.eof(), false);
  assert.equal(cut.ended, false);
  const chunkCut = parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel');
  assert.equal(chunkCut.parser.eof(), false);
  assert.equal(both('HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n').heads[0].keepAlive, false);
  assert.equal(both('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').heads[0].keepAlive, true);
  assert.equal(both('HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n').heads[0].keepAlive, true, "'closed' is not the close token");
  const none = both('HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n');
  assert.ok(none.ended && none.body === '');
});

test('bytes after the end of a response are refused', () => {
  refuses('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n', /after the end/);
  refuses('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX', /after the end/);
});
