// The TCP adapter, plain and with TLS (a self-signed certificate made for
// the test with openssl): the same routes answer, the typed client trusts
// the certificate it is given and refuses one it is not, and a plain-HTTP
// client gets nothing from the TLS port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from './client.ts';
import { serveTcp } from './listen.ts';
import { endpoint, route } from './route.ts';
import type { HttpApp } from './serve.ts';

const HELLO = endpoint<{ hello: string }>()({ method: 'GET', path: '/hello/:name' });

const app: HttpApp = {
  surface: { label: 'test API', prefix: 'E_T' },
  groups: () => [{ prefix: '/v1', routes: [route(HELLO, ({ params }) => ({ hello: params.name }))] }],
  limits: { headTimeoutMs: 500 },
};

function selfSigned(dir: string): { key: Buffer; cert: Buffer } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

test('plain TCP on 127.0.0.1 by default', async () => {
  const served = await serveTcp(app, { port: 0 });
  try {
    assert.match(served.address, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await createClient({ url: served.address }, '/v1').call(HELLO, undefined, { params: { name: 'tcp' } }), { hello: 'tcp' });
  } finally {
    await served.close();
  }
});

test('TLS: the client that trusts the certificate is answered; one that does not, and plain HTTP, are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-tls-'));
  const pem = selfSigned(dir);
  const served = await serveTcp(app, { port: 0, tls: pem });
  try {
    assert.match(served.address, /^https:\/\/127\.0\.0\.1:\d+$/);
    const trusted = createClient({ url: served.address, ca: pem.cert }, '/v1');
    assert.deepEqual(await trusted.call(HELLO, undefined, { params: { name: 'tls' } }), { hello: 'tls' });
    // The working twin above; here the same call without the certificate: the handshake fails.
    await assert.rejects(createClient({ url: served.address }, '/v1').call(HELLO, undefined, { params: { name: 'x' } }), { code: 'E_HTTP_CLIENT', message: /self-signed certificate/ });
    // Plain HTTP to the TLS port gets no HTTP reply.
    const reply = await new Promise<string>((resolve) => {
      const c = connect(served.port, '127.0.0.1');
      let got = '';
      c.setEncoding('latin1').on('data', (d: string) => { got += d; }).on('close', () => resolve(got)).on('error', () => {});
      c.write('GET /v1/hello/x HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    assert.doesNotMatch(reply, /HTTP\/1\.1 200/);
    // A connection that never starts the handshake is closed after the head time.
    const silent = await new Promise<number>((resolve) => {
      const start = performance.now();
      const c = connect(served.port, '127.0.0.1');
      c.on('close', () => resolve(performance.now() - start)).on('error', () => {});
    });
    assert.ok(silent < 5_000, `closed after ${silent} ms`);
  } finally {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
