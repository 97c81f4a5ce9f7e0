// Hostile and careless clients of the admin socket: malformed heads,
// oversize and malformed bodies each get a 4xx with a message naming the
// problem, and the server keeps answering: the next well-formed request
// on a fresh connection succeeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminSocketPath, rootLayout, type Paths } from '../paths.ts';
import { callServed } from '../../../test/support/served-routes.ts';
import { startAdminServer } from './server.ts';
import type { AdminRoutes } from './types.ts';
import { on } from '../../lib/http/route.ts';

const ROUTES: AdminRoutes = [
  on('POST', '/echo', (req) => ({ echo: req.body })),
  on('GET', '/ping', () => ({ pong: true })),
];

async function withServer(run: (paths: Paths, socket: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'octant-hostile-'));
  const paths = rootLayout(root);
  const server = await startAdminServer({ socketPath: adminSocketPath(paths), routes: ROUTES });
  try {
    await run(paths, server.socketPath);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Send raw bytes; the whole reply text once the server closes (or after 5 s of silence). */
function raw(socket: string, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(socket);
    const got: Buffer[] = [];
    const done = (): void => resolve(Buffer.concat(got).toString('latin1'));
    c.setTimeout(5_000, () => { c.destroy(); });
    c.on('data', (d: Buffer) => got.push(d));
    c.on('close', done);
    c.on('error', () => {});
    c.write(bytes);
  });
}

/** POST a body (bytes as given) and read status and JSON error. */
function post(socket: string, body: Buffer, headers: Record<string, string | number> = { 'content-length': body.length }): Promise<{ status: number; code?: string; message?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method: 'POST', path: '/v1/echo', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { code: string; message: string } };
        resolve({ status: res.statusCode ?? 0, code: body.error?.code, message: body.error?.message });
      });
    });
    // The server may stop reading once it has refused an oversize body: the reply still arrives.
    req.on('error', (error: NodeJS.ErrnoException) => { if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error); });
    req.end(body);
  });
}

async function stillServes(paths: Paths): Promise<void> {
  assert.deepEqual(await callServed(paths, 'GET', '/v1/ping'), { pong: true });
  assert.deepEqual(await callServed(paths, 'POST', '/v1/echo', { a: ['b', 1] }), { echo: { a: ['b', 1] } });
}

test('malformed bodies are 400 with a message naming the problem; the next request succeeds', () => withServer(async (paths, socket) => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ['depth 5000', Buffer.from('['.repeat(5000) + ']'.repeat(5000)), /nested more than 64 levels deep/],
    ['deep object', Buffer.from('{"a":'.repeat(5000) + '1' + '}'.repeat(5000)), /nested more than 64 levels deep/],
    ['1e999', Buffer.from('{"n":1e999}'), /number 1e999 in member "n" \(character 5\) is out of range/],
    ['Infinity', Buffer.from('{"n":Infinity}'), /is not JSON/],
    ['lone surrogate', Buffer.from('{"target":"x\\ud800"}'), /string in member "target" \(character 10\) holds a lone surrogate \\ud800/],
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), /not valid UTF-8/],
    ['duplicate name', Buffer.from('{"agent":"operator","agent":"system"}'), /member name "agent" appears twice/],
    ['truncated', Buffer.from('{"a":[1,2'), /is not JSON/],
    ['garbage', Buffer.from('\x00\x01\x02'), /is not JSON/],
  ];
  for (const [name, body, pattern] of cases) {
    const reply = await post(socket, body);
    assert.equal(reply.status, 400, name);
    assert.equal(reply.code, 'E_ADMIN_BODY', name);
    assert.match(reply.message ?? '', pattern, name);
    assert.match(reply.message ?? '', /^admin API: request body: /, name);
    await stillServes(paths);
  }
}));

test('oversize bodies are 413 (declared or streamed), the reply arrives, and the server keeps serving', () => withServer(async (paths, socket) => {
  const big = Buffer.alloc(2 * 1024 * 1024, 0x20);
  const declared = await post(socket, big);
  assert.equal(declared.status, 413);
  assert.equal(declared.code, 'E_ADMIN_BODY_TOO_LARGE');
  assert.match(declared.message ?? '', /exceeds the limit of 1048576 bytes/);
  await stillServes(paths);
  // Chunked, no length declared: refused once the limit is passed.
  const streamed = await post(socket, big, { 'transfer-encoding': 'chunked' });
  assert.equal(streamed.status, 413);
  assert.match(streamed.message ?? '', /more than 1048576 bytes/);
  await stillServes(paths);
  // The same on a raw connection that keeps sending: the 413 and its message arrive, then the connection closes.
  const size = 3 * 1024 * 1024;
  const reply = await raw(socket, Buffer.concat([Buffer.from(`POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${size.toString(16)}\r\n`), Buffer.alloc(size, 0x20), Buffer.from('\r\n0\r\n\r\n')]));
  assert.match(reply, /^HTTP\/1\.1 413 /);
  assert.match(reply, /\r\nconnection: close\r\n/i);
  assert.match(reply, /"code":"E_ADMIN_BODY_TOO_LARGE"/);
  await stillServes(paths);
  // While an oversize upload is refused, other clients are answered.
  const [refused] = await Promise.all([post(socket, Buffer.alloc(8 * 1024 * 1024, 0x20)), stillServes(paths)]);
  assert.equal(refused.status, 413);
  // Working twin: a body just under the limit is read whole.
  const fits = Buffer.from(JSON.stringify({ s: 'x'.repeat(1024 * 1024 - 20) }));
  assert.equal((await post(socket, fits)).status, 200);
}));

test('malformed request heads get a 4xx and do not disturb the server', () => withServer(async (paths, socket) => {
  const heads = [
    'NOT-HTTP\r\n\r\n',
    'GET /v1/ping HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    'POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    `GET /v1/ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    'GET /v1/ping HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
  ];
  for (const head of heads) {
    const reply = await raw(socket, head);
    assert.match(reply, /^HTTP\/1\.1 4[0-9][0-9] /, JSON.stringify(head.slice(0, 60)));
    await stillServes(paths);
  }
  // A client that sends half a body and goes away: nothing hangs, the next request is served.
  for (let i = 0; i < 20; i++) {
    const c = connect(socket);
    c.on('error', () => {});
    c.resume(); // read (and drop) the reply, or 'close' never comes
    c.end('POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":');
    await new Promise((resolve) => c.on('close', resolve));
  }
  await stillServes(paths);
  // Unknown routes and methods: 404 naming the route.
  const missing = await raw(socket, 'DELETE /v1/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(missing, /^HTTP\/1\.1 404 /);
  assert.match(missing, /no route DELETE \/v1\/ping/);
  await stillServes(paths);
}));
