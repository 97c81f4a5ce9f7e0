// The EngineFetch layer: Content-Encoding decoded (and bounded), Set-Cookie
// never returned, requests built by the privacy rules whatever the adapter
// asks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { isEngineError } from './engine-error.ts';
import { createEngineFetch, decodeBody, type RawSend } from './engine-fetch.ts';
import { COMMON_USER_AGENT } from './privacy.ts';

const text = Buffer.from('{"items": ["ä", "€"]}');

test('decodeBody: gzip, deflate (zlib and raw), br, identity and a chain, in order', async () => {
  assert.deepEqual(await decodeBody('gzip', gzipSync(text)), text);
  assert.deepEqual(await decodeBody('deflate', deflateSync(text)), text);
  assert.deepEqual(await decodeBody('deflate', deflateRawSync(text)), text);
  assert.deepEqual(await decodeBody('br', brotliCompressSync(text)), text);
  assert.deepEqual(await decodeBody(undefined, text), text);
  assert.deepEqual(await decodeBody('identity', text), text);
  assert.deepEqual(await decodeBody('deflate, gzip', gzipSync(deflateSync(text))), text);
  await assert.rejects(decodeBody('compress', text), /unsupported Content-Encoding/);
  await assert.rejects(decodeBody('gzip', text));
});

test('decodeBody: a small body that expands past the cap is refused (decompression bomb)', async () => {
  const bomb = gzipSync(Buffer.alloc(8 << 20));
  assert.ok(bomb.length < 64 << 10);
  await assert.rejects(decodeBody('gzip', bomb, 1 << 20));
  assert.equal((await decodeBody('gzip', gzipSync(Buffer.alloc(1000)), 1 << 20)).length, 1000);
});

test('createEngineFetch: privacy-built request, decoded text, no Set-Cookie, malformed on a bad encoding', async () => {
  const seen: Array<Parameters<RawSend>[0]> = [];
  let reply: { status: number; headers: Record<string, string | string[]>; body: Uint8Array } = { status: 200, headers: { 'content-encoding': 'gzip', 'set-cookie': ['a=1', 'b=2'], 'content-type': 'application/json' }, body: new Uint8Array(gzipSync(text)) };
  const fetch = createEngineFetch(async (request) => {
    seen.push(request);
    return reply;
  });
  const res = await fetch('https://api.example.org/search?q=x', { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(1000) });
  assert.equal(await res.text(), text.toString());
  assert.equal(res.headers['set-cookie'], undefined);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(seen[0]!.headers['user-agent'], COMMON_USER_AGENT);
  assert.equal(seen[0]!.headers.cookie, undefined);
  // An adapter asking for a header outside the rules never reaches the transport.
  await assert.rejects(fetch('https://api.example.org/search?q=x', { headers: { cookie: 'a=1' }, signal: AbortSignal.timeout(1000) }), /privacy rule 'header'/);
  await assert.rejects(fetch('http://api.example.org/search?q=x', { signal: AbortSignal.timeout(1000) }), /privacy rule 'https'/);
  assert.equal(seen.length, 1);
  reply = { ...reply, body: new Uint8Array(Buffer.from('not gzip')) };
  await assert.rejects(fetch('https://api.example.org/search?q=x', { signal: AbortSignal.timeout(1000) }), (e: unknown) => isEngineError(e) && e.kind === 'malformed');
});
