// The outbound client against real servers on 127.0.0.1: node:http servers
// for the well-behaved cases (keep-alive reuse, idle closes, Connection:
// close, chunked streams, stalls), raw TCP servers for the ill-formed ones
// (truncated bodies, bad framing, unsolicited bytes), and a TLS server with
// a certificate made here (refused until its CA is trusted).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import tls from 'node:tls';
import { isOutboundError, type OutboundError } from './outbound-error.ts';
import { createHttpClient, readText, type HttpClient } from './http-client.ts';
import { sseEvents } from './stream-lines.ts';

const never = new AbortController().signal;

interface Served {
  origin: string;
  url: string;
  /** TCP connections the server accepted. */
  connections(): number;
  /** TCP connections open now. */
  open(): number;
  /** Close the server's idle keep-alive connections. */
  dropIdle(): void;
  close(): Promise<void>;
}

async function listen(server: net.Server, scheme = 'http'): Promise<Served> {
  let count = 0;
  let open = 0;
  server.on(scheme === 'https' ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    count++;
    open++;
    socket.on('close', () => void open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `${scheme}://${scheme === 'https' ? 'localhost' : '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/v1/x`,
    connections: () => count,
    open: () => open,
    dropIdle: () => (server as http.Server).closeIdleConnections?.(),
    close: () =>
      new Promise((resolve) => {
        (server as http.Server).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

const httpServer = (handler: http.RequestListener, keepAliveTimeout = 30_000): Promise<Served> => {
  const s = http.createServer(handler);
  s.keepAliveTimeout = keepAliveTimeout;
  return listen(s);
};

/** A TCP server that answers each request's bytes with `reply` (raw HTTP, right or wrong). */
function rawServer(reply: (socket: net.Socket, request: string) => void): Promise<Served> {
  const sockets = new Set<net.Socket>();
  const s = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let seen = '';
    socket.on('data', (c) => {
      seen += c.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      const request = seen;
      seen = '';
      reply(socket, request);
    });
  });
  const served = listen(s);
  return served.then((x) => ({ ...x, close: () => (sockets.forEach((c) => c.destroy()), x.close()) }));
}

const ok = (_req: http.IncomingMessage, res: http.ServerResponse): void => void _req.resume().on('end', () => res.end('{"ok":true}'));

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function fails(promise: Promise<unknown>): Promise<OutboundError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(isOutboundError(error), `expected an OutboundError, got ${String(error)}`);
  return error;
}

async function withClient(fn: (client: HttpClient) => Promise<void>, options = { maxSockets: 256, idleMs: 4_000 }): Promise<void> {
  const client = createHttpClient(options);
  try {
    await fn(client);
  } finally {
    client.close();
  }
}

test('keep-alive: sequential requests reuse one connection, which then sits idle in the pool', () =>
  withClient(async (client) => {
    const srv = await httpServer(ok);
    try {
      for (let i = 0; i < 5; i++) assert.equal(await readText(await client.send({ url: srv.url, method: 'POST', headers: {}, body: '{}' }, 'p', never, 5_000), 'p'), '{"ok":true}');
      assert.equal(srv.connections(), 1);
      assert.deepEqual(client.sockets(srv.origin), { open: 1, idle: 1 });
    } finally {
      await srv.close();
    }
  }));

test('a response with Connection: close is not reused; one without is', () =>
  withClient(async (client) => {
    const srv = await httpServer((req, res) => req.resume().on('end', () => res.writeHead(200, req.url === '/close' ? { connection: 'close' } : {}).end('x')));
    try {
      for (let i = 0; i < 3; i++) await readText(await client.send({ url: `${srv.origin}/close`, method: 'GET', headers: {} }, 'p', never, 5_000), 'p');
      assert.equal(srv.connections(), 3);
      await until(() => client.sockets(srv.origin).open === 0);
      for (let i = 0; i < 3; i++) await readText(await client.send({ url: `${srv.origin}/keep`, method: 'GET', headers: {} }, 'p', never, 5_000), 'p');
      assert.equal(srv.connections(), 4);
    } finally {
      await srv.close();
    }
  }));

test('an idle connection the server closes leaves the pool; the next request opens another', () =>
  withClient(async (client) => {
    const srv = await httpServer(ok, 50);
    try {
      await readText(await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000), 'p');
      assert.equal(client.sockets(srv.origin).idle, 1);
      await until(() => client.sockets(srv.origin).open === 0);
      assert.equal(await readText(await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000), 'p'), '{"ok":true}');
      assert.equal(srv.connections(), 2);
    } finally {
      await srv.close();
    }
  }));

test('idle connections are dropped after idleMs, before the server would', () =>
  withClient(async (client) => {
    const srv = await httpServer(ok);
    try {
      await readText(await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000), 'p');
      await until(() => client.sockets(srv.origin).open === 0);
      await readText(await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000), 'p');
      assert.equal(srv.connections(), 2);
    } finally {
      await srv.close();
    }
  }, { maxSockets: 256, idleMs: 40 }));

test('at most maxSockets connections per origin; the rest wait for one to come free', () =>
  withClient(async (client) => {
    let inFlight = 0;
    let most = 0;
    const srv = await httpServer((req, res) => {
      most = Math.max(most, ++inFlight);
      req.resume().on('end', () => setTimeout(() => (inFlight--, res.end(req.url)), 10));
    });
    try {
      const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => client.send({ url: `${srv.origin}/${i}`, method: 'GET', headers: {} }, 'p', never, 5_000).then((r) => readText(r, 'p'))));
      assert.deepEqual(replies, ['/0', '/1', '/2', '/3', '/4', '/5']);
      assert.equal(srv.connections(), 2);
      assert.equal(most, 2);
    } finally {
      await srv.close();
    }
  }, { maxSockets: 2, idleMs: 4_000 }));

test('a request waiting for a connection can be aborted, and leaves no listener behind', () =>
  withClient(async (client) => {
    const srv = await httpServer(() => {}); // never answers
    try {
      const first = fails(client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 300));
      const stop = new AbortController();
      const queued = fails(client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', stop.signal, 5_000));
      stop.abort();
      assert.match((await queued).message, /aborted/);
      assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
      const head = await first;
      assert.equal(head.kind, 'timeout');
      assert.match(head.message, /no response within 300 ms/);
    } finally {
      await srv.close();
    }
  }, { maxSockets: 1, idleMs: 4_000 }));

test('close() ends every connection, idle or busy, fails what waits and what comes later (the owner\'s stop)', async () => {
  // Idle connections would live a minute here: only close() can end them.
  const client = createHttpClient({ maxSockets: 3, idleMs: 60_000 });
  const srv = await httpServer((req, res) => {
    if (req.url === '/hang') return; // a busy connection
    ok(req, res);
  });
  try {
    // Two idle connections (two requests at once), then one busy, then one queued (maxSockets 3).
    const pair = await Promise.all([1, 2].map(() => client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000)));
    for (const res of pair) await readText(res, 'p');
    assert.deepEqual(client.sockets(srv.origin), { open: 2, idle: 2 });
    const busy = fails(client.send({ url: `${srv.origin}/hang`, method: 'GET', headers: {} }, 'p', never, 5_000));
    const busy2 = fails(client.send({ url: `${srv.origin}/hang`, method: 'GET', headers: {} }, 'p', never, 5_000));
    const busy3 = fails(client.send({ url: `${srv.origin}/hang`, method: 'GET', headers: {} }, 'p', never, 5_000));
    const queued = fails(client.send({ url: `${srv.origin}/hang`, method: 'GET', headers: {} }, 'p', never, 5_000));
    await until(() => srv.connections() === 3);
    client.close();
    for (const error of await Promise.all([busy, busy2, busy3, queued])) assert.equal(error.kind, 'network');
    assert.match((await queued).message, /closed/);
    const later = await fails(client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000));
    assert.equal(later.kind, 'network');
    assert.match(later.message, /client is closed/);
    // Seen from the server: no connection left open.
    await until(() => srv.open() === 0);
  } finally {
    client.close();
    await srv.close();
  }
});

test('chunked streams arrive chunk by chunk (SSE over chunked), then the connection is reused', () =>
  withClient(async (client) => {
    const srv = await httpServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const frames = ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: [DONE]\n\n'];
      const next = (): void => void (frames.length === 0 ? res.end() : (res.write(frames.shift()), setTimeout(next, 5)));
      next();
    });
    try {
      for (let round = 0; round < 2; round++) {
        const res = await client.send({ url: srv.url, method: 'POST', headers: { accept: 'text/event-stream' }, body: '{}' }, 'p', never, 5_000);
        assert.equal(res.headers['transfer-encoding'], 'chunked');
        const data: string[] = [];
        for await (const e of sseEvents(res.body, 'p')) data.push(e.data);
        assert.deepEqual(data, ['{"n":1}', '{"n":2}', '[DONE]']);
      }
      assert.equal(srv.connections(), 1);
    } finally {
      await srv.close();
    }
  }));

test('a reader that stops early closes the connection (it was not read to its end)', () =>
  withClient(async (client) => {
    const srv = await httpServer((req, res) => {
      req.resume();
      res.writeHead(200);
      res.write('first ');
      setTimeout(() => res.end('second'), 50);
    });
    try {
      const res = await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000);
      for await (const chunk of res.body) {
        assert.equal(chunk.toString(), 'first ');
        break;
      }
      await until(() => client.sockets(srv.origin).open === 0);
      assert.equal(await readText(await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000), 'p'), 'first second');
      assert.equal(srv.connections(), 2);
    } finally {
      await srv.close();
    }
  }));

test('a body that stalls times out; a slow body that keeps coming does not', () =>
  withClient(async (client) => {
    const srv = await httpServer((req, res) => {
      req.resume();
      res.writeHead(200);
      res.write('partial');
      if (req.url === '/slow') {
        let n = 0;
        // 800 ms in all, twice the timeout, but never more than 100 ms without a byte.
        const tick = setInterval(() => (++n === 8 ? (clearInterval(tick), res.end('end')) : res.write('.')), 100);
      }
    });
    try {
      const stalled = await fails(readText(await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 100), 'p'));
      assert.equal(stalled.kind, 'timeout');
      assert.match(stalled.message, /stalled/);
      assert.equal(await readText(await client.send({ url: `${srv.origin}/slow`, method: 'GET', headers: {} }, 'p', never, 400), 'p'), 'partial.......end');
    } finally {
      await srv.close();
    }
  }));

test('truncated bodies are network errors (retryable), by length and by chunks', () =>
  withClient(async (client) => {
    const srv = await rawServer((socket, request) => {
      if (request.startsWith('GET /length')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf');
      else if (request.startsWith('GET /chunks')) socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel');
      else if (request.startsWith('GET /head')) socket.end('HTTP/1.1 200 OK\r\nContent-Le');
      else socket.end('HTTP/1.1 200 OK\r\n\r\nto the close');
    });
    try {
      for (const path of ['length', 'chunks']) {
        const cut = await fails(readText(await client.send({ url: `${srv.origin}/${path}`, method: 'GET', headers: {} }, 'p', never, 5_000), 'p'));
        assert.equal(cut.kind, 'network', path);
        assert.ok(cut.retryable);
        assert.match(cut.message, /ended in the middle of the response body/);
      }
      const head = await fails(client.send({ url: `${srv.origin}/head`, method: 'GET', headers: {} }, 'p', never, 5_000));
      assert.equal(head.kind, 'network');
      assert.match(head.message, /closed before the response/);
      assert.equal(await readText(await client.send({ url: `${srv.origin}/close`, method: 'GET', headers: {} }, 'p', never, 5_000), 'p'), 'to the close');
    } finally {
      await srv.close();
    }
  }));

test('ill-framed responses are protocol errors and close the connection', () =>
  withClient(async (client) => {
    const replies: Record<string, string> = {
      smuggle: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      status: 'HTTP/1.1 OK 200\r\nContent-Length: 0\r\n\r\n',
      length: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
      chunk: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    };
    const srv = await rawServer((socket, request) => socket.write(replies[request.slice(5, request.indexOf(' ', 5))] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    try {
      for (const path of ['smuggle', 'status', 'length']) {
        const error = await fails(client.send({ url: `${srv.origin}/${path}`, method: 'GET', headers: {} }, 'p', never, 5_000));
        assert.equal(error.kind, 'protocol', path);
        assert.match(error.message, /malformed response/);
      }
      const res = await client.send({ url: `${srv.origin}/chunk`, method: 'GET', headers: {} }, 'p', never, 5_000);
      assert.equal((await fails(readText(res, 'p'))).kind, 'protocol');
      await until(() => client.sockets(srv.origin).open === 0);
      assert.equal(srv.connections(), 4);
    } finally {
      await srv.close();
    }
  }));

test('bytes the server sends unasked on an idle connection drop it; the next request gets a fresh one', () =>
  withClient(async (client) => {
    const srv = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      setTimeout(() => socket.writable && socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil'), 20);
    });
    try {
      assert.equal(await readText(await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000), 'p'), 'ok');
      await until(() => client.sockets(srv.origin).open === 0);
      assert.equal(await readText(await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000), 'p'), 'ok');
      assert.equal(srv.connections(), 2);
    } finally {
      await srv.close();
    }
  }));

test('the request goes out as given: start line, Host, headers, Content-Length, body', () =>
  withClient(async (client) => {
    let seen = '';
    const srv = await rawServer((socket, request) => {
      seen = request;
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
    try {
      await client.send({ url: `${srv.origin}/v1/chat?x=1`, method: 'POST', headers: { authorization: 'Bearer k', 'X-Title': 'a\tb' }, body: '{"é":1}' }, 'p', never, 5_000);
      // The body's length in bytes (é is two), the body as UTF-8.
      assert.equal(seen, `POST /v1/chat?x=1 HTTP/1.1\r\nhost: ${new URL(srv.origin).host}\r\nauthorization: Bearer k\r\nX-Title: a\tb\r\ncontent-length: 8\r\n\r\n${Buffer.from('{"é":1}').toString('latin1')}`);
    } finally {
      await srv.close();
    }
  }));

test('outbound headers: names must be tokens, values visible ASCII, framing fields are the client\'s own', () =>
  withClient(async (client) => {
    const srv = await httpServer(ok);
    try {
      const refused = async (headers: Record<string, string>, pattern: RegExp): Promise<void> => {
        const error = await fails(client.send({ url: srv.url, method: 'POST', headers, body: '{}' }, 'p', never, 5_000));
        assert.equal(error.kind, 'bad_request');
        assert.match(error.message, pattern);
        assert.doesNotMatch(error.message, /secret/, 'the value is never quoted');
      };
      await refused({ 'x-a\r\nx-b': 'v' }, /not a token/);
      await refused({ 'bad name': 'v' }, /not a token/);
      await refused({ authorization: 'secret\r\nx-evil: 1' }, /'authorization' has a control/);
      await refused({ authorization: 'secret\u0000' }, /control/);
      await refused({ authorization: 'secrét' }, /non-ASCII/);
      await refused({ 'Content-Length': '0' }, /set by the client/);
      await refused({ 'transfer-encoding': 'chunked' }, /set by the client/);
      await refused({ host: 'elsewhere' }, /set by the client/);
      assert.equal(srv.connections(), 0, 'nothing reached the server');
      await readText(await client.send({ url: srv.url, method: 'POST', headers: { 'x-fine': 'a b\tc ~!' }, body: '{}' }, 'p', never, 5_000), 'p');
      assert.equal(srv.connections(), 1);
    } finally {
      await srv.close();
    }
  }));

function makeCert(dir: string): { key: Buffer; cert: Buffer } | undefined {
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  }
}

const certDir = mkdtempSync(join(tmpdir(), 'octant-http-client-'));
const pair = makeCert(certDir);
rmSync(certDir, { recursive: true, force: true });

test('https: an untrusted certificate is refused; once its CA is trusted, TLS with SNI works, is reused, and a new connection resumes the session', { skip: pair === undefined ? 'openssl is not installed' : false }, () =>
  withClient(async (client) => {
    let sni: string | false | null | undefined;
    const server = https.createServer({ key: pair!.key, cert: pair!.cert }, ok);
    let resumed: boolean | undefined;
    server.on('secureConnection', (s: tls.TLSSocket) => {
      sni = s.servername;
      resumed = s.isSessionReused();
    });
    const srv = await listen(server, 'https');
    const defaults = tls.getCACertificates('default');
    try {
      const untrusted = await fails(client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000));
      assert.equal(untrusted.kind, 'network');
      assert.match(untrusted.message, /SELF_SIGNED|UNABLE_TO_VERIFY|certificate/i);
      tls.setDefaultCACertificates([...defaults, pair!.cert.toString()]);
      for (let i = 0; i < 3; i++) assert.equal(await readText(await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000), 'p'), '{"ok":true}');
      assert.equal(sni, 'localhost');
      assert.equal(client.sockets(srv.origin).open, 1);
      assert.equal(resumed, false);
      // A new connection resumes the TLS session (no full handshake): the server drops the idle one.
      srv.dropIdle();
      await until(() => client.sockets(srv.origin).open === 0);
      await readText(await client.send({ url: srv.url, method: 'GET', headers: {} }, 'p', never, 5_000), 'p');
      assert.equal(srv.connections(), 2);
      assert.equal(resumed, true);
    } finally {
      tls.setDefaultCACertificates(defaults);
      await srv.close();
    }
  }));

test('a body over the reader\'s limit is refused and its connection closed; a large stream read slowly arrives whole', () =>
  withClient(async (client) => {
    const big = Buffer.alloc(3 << 20, 'abcdefgh');
    const srv = await httpServer((req, res) => {
      req.resume();
      if (req.url === '/small') return void res.end('0123456789');
      res.writeHead(200);
      for (let i = 0; i < big.length; i += 64 << 10) res.write(big.subarray(i, i + (64 << 10)));
      res.end();
    });
    try {
      const over = await fails(readText(await client.send({ url: `${srv.origin}/small`, method: 'GET', headers: {} }, 'p', never, 5_000), 'p', 9));
      assert.equal(over.kind, 'protocol');
      assert.match(over.message, /over 9 bytes/);
      assert.equal(await readText(await client.send({ url: `${srv.origin}/small`, method: 'GET', headers: {} }, 'p', never, 5_000), 'p', 10), '0123456789');
      // A consumer slower than the socket: reading pauses past 1 MiB unread and resumes as it drains.
      const res = await client.send({ url: `${srv.origin}/big`, method: 'GET', headers: {} }, 'p', never, 5_000);
      const parts: Buffer[] = [];
      for await (const chunk of res.body) {
        parts.push(chunk);
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.ok(Buffer.concat(parts).equals(big));
    } finally {
      await srv.close();
    }
  }));
