// The outbound client's hand-wired pieces: the abort signal (refuses, aborts in flight, leaves no
// listener behind on a service's shared signal).

import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { isOutboundError } from './outbound-error.ts';
import { createHttpClient, readText } from './http-client.ts';

const client = createHttpClient();
after(() => client.close());
const send = client.send;

async function server(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const s = http.createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/x`,
    close: () => new Promise((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    }),
  };
}

test('send: one listener per signal whatever the number of requests; aborting it fails those in flight and only those', async () => {
  let waiting: http.ServerResponse[] = [];
  const srv = await server((req, res) => req.resume().on('end', () => (req.url === '/hang' ? waiting.push(res) : res.end('{"ok":true}'))));
  try {
    const stop = new AbortController();
    for (let i = 0; i < 5; i++) {
      const res = await send({ url: srv.url, method: 'POST', headers: {}, body: '{}' }, 'p', stop.signal, 5_000);
      assert.equal(await readText(res, 'p'), '{"ok":true}');
    }
    const hanging = Array.from({ length: 20 }, () => send({ url: srv.url.replace(/\/x$/, '/hang'), method: 'GET', headers: {} }, 'p', stop.signal, 5_000).catch((e: unknown) => e));
    const done = await send({ url: srv.url, method: 'GET', headers: {} }, 'p', stop.signal, 5_000);
    while (waiting.length < 20) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(getEventListeners(stop.signal, 'abort').length, 1);
    stop.abort();
    for (const error of await Promise.all(hanging)) assert.ok(isOutboundError(error) && /aborted/.test(error.message), String(error));
    assert.equal(await readText(done, 'p'), '{"ok":true}', 'a response already complete is not failed by a later abort');
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  } finally {
    waiting = [];
    await srv.close();
  }
});

test('send: an aborted signal refuses before connecting, and aborts a request in flight', async () => {
  let seen = 0;
  const srv = await server(() => void seen++); // never answers
  try {
    const early = new AbortController();
    early.abort();
    const refused = await send({ url: srv.url, method: 'GET', headers: {} }, 'p', early.signal, 5_000).catch((e: unknown) => e);
    assert.ok(isOutboundError(refused) && /aborted/.test(refused.message), String(refused));
    assert.equal(seen, 0);

    const stop = new AbortController();
    const pending = send({ url: srv.url, method: 'GET', headers: {} }, 'p', stop.signal, 5_000).catch((e: unknown) => e);
    while (seen === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    const error = await pending;
    assert.ok(isOutboundError(error) && /aborted/.test(error.message), String(error));
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  } finally {
    await srv.close();
  }
});

test('send: aborting after the head stops the body', async () => {
  const srv = await server((_req, res) => {
    res.writeHead(200);
    res.write('partial'); // and never ends
  });
  try {
    const stop = new AbortController();
    const res = await send({ url: srv.url, method: 'GET', headers: {} }, 'p', stop.signal, 5_000);
    const body = readText(res, 'p');
    stop.abort();
    const error = await body.catch((e: unknown) => e);
    assert.ok(isOutboundError(error), String(error));
  } finally {
    await srv.close();
  }
});

test('send frames the headers it is given, with Host, and refuses a header value that would inject another', async () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const srv = await server((req, res) => {
    seen.push(req.headers);
    req.resume().on('end', () => res.end('{}'));
  });
  try {
    const never = new AbortController().signal;
    const res = await send({ url: srv.url, method: 'POST', headers: { authorization: 'Bearer k', 'X-Custom': 'v' }, body: '{"a":1}' }, 'p', never, 5_000);
    await readText(res, 'p');
    assert.equal(seen[0].host, new URL(srv.url).host);
    assert.equal(seen[0].authorization, 'Bearer k');
    assert.equal(seen[0]['x-custom'], 'v');
    assert.equal(seen[0]['content-length'], '7');
    const injected = await send({ url: srv.url, method: 'GET', headers: { authorization: 'Bearer k\r\nx-evil: 1' } }, 'p', never, 5_000).catch((e: unknown) => e);
    assert.ok(injected instanceof Error, 'a CR/LF in a header value is refused');
    assert.equal(seen.length, 1, 'nothing reached the server');
  } finally {
    await srv.close();
  }
});
