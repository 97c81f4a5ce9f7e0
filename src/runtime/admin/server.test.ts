import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { adminSocketPath, rootLayout, type Paths } from '../paths.ts';
import { startAdminServer, type AdminServer } from './server.ts';
import { adminRequest } from './client.ts';
import { callServed, streamServed } from '../../../test/support/served-routes.ts';
import type { AdminRoutes } from './types.ts';
import { json, ndjson, on } from '../../lib/http/route.ts';

const ROUTES: AdminRoutes = [
  on('GET', '/echo', (req) => ({ query: req.query.get('q'), path: req.path })),
  on('POST', '/echo', (req) => json(req.body, { status: 201 })),
  on('GET', '/denied', () => { throw new OctantError('E_TEST_DENIED', 'not for you', { exit: EXIT.denied }); }),
];

async function withServer(run: (paths: Paths, server: AdminServer) => Promise<void>, routes: AdminRoutes = ROUTES, serviceRoutes?: () => Map<string, AdminRoutes>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-'));
  const paths = rootLayout(root);
  const server = await startAdminServer({ socketPath: adminSocketPath(paths), routes, serviceRoutes });
  try {
    await run(paths, server);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Try to connect to `socket` from a child process running as `uid`; returns 'ok' or the errno. */
function connectAs(uid: number, socket: string): string {
  const script = `const s=require('net').connect(${JSON.stringify(socket)});s.on('connect',()=>{console.log('ok');s.destroy()});s.on('error',e=>console.log(e.code))`;
  const out = spawnSync(process.execPath, ['-e', script], { uid, gid: uid, encoding: 'utf8' });
  return out.stdout.trim() || `spawn failed: ${out.stderr}`;
}

const notRoot = process.getuid?.() !== 0 ? 'needs root to run a client as another user' : undefined;

test('the socket is 0600 and its directory 0700 from the start', () => withServer(async (paths, server) => {
  assert.equal(statSync(server.socketPath).mode & 0o777, 0o600);
  assert.equal(statSync(paths.run).mode & 0o777, 0o700);
}));

test('a too-open run directory is tightened to 0700', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-'));
  const paths = rootLayout(root);
  mkdirSync(paths.run, { mode: 0o777 });
  chmodSync(paths.run, 0o777);
  const server = await startAdminServer({ socketPath: adminSocketPath(paths), routes: ROUTES });
  try {
    assert.equal(statSync(paths.run).mode & 0o777, 0o700);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('another user cannot connect, even through an opened directory; the owner can', { skip: notRoot }, () => withServer(async (paths, server) => {
  assert.equal(connectAs(0, server.socketPath), 'ok');
  assert.equal(connectAs(65534, server.socketPath), 'EACCES');
  // Even if someone opens the directory, the socket's own mode keeps others out.
  chmodSync(paths.run, 0o755);
  chmodSync(paths.root, 0o755);
  assert.equal(connectAs(65534, server.socketPath), 'EACCES');
  assert.equal(connectAs(0, server.socketPath), 'ok');
}));

test('system routes and service routes answer JSON; unknown routes are 404', () => withServer(async (paths) => {
  assert.deepEqual(await callServed(paths, 'GET', '/v1/echo?q=hi'), { query: 'hi', path: '/echo' });
  assert.deepEqual(await adminRequest(paths, 'POST', '/v1/echo', { a: [1, 2] }), { status: 201, body: { a: [1, 2] } });
  assert.deepEqual(await callServed(paths, 'GET', '/v1/ledger/tail?n=2'), { service: 'ledger', path: '/tail', n: '2' });
  const missing = await adminRequest(paths, 'GET', '/v1/nothing/here');
  assert.equal(missing.status, 404);
  assert.equal((missing.body as { error: { code: string } }).error.code, 'E_ADMIN_NOT_FOUND');
  assert.equal((await adminRequest(paths, 'DELETE', '/v1/echo')).status, 404);
  assert.equal((await adminRequest(paths, 'GET', '/echo')).status, 404);
}, ROUTES, () => new Map([['ledger', [on('GET', '/tail', (req) => ({ service: 'ledger', path: req.path, n: req.query.get('n') }))]]])));

test('errors carry their code to the client; the typed client rethrows them', () => withServer(async (paths) => {
  const reply = await adminRequest(paths, 'GET', '/v1/denied');
  assert.equal(reply.status, 403);
  await assert.rejects(callServed(paths, 'GET', '/v1/denied'), { code: 'E_TEST_DENIED', message: 'not for you', exit: EXIT.denied });
}));

test('a body that is not JSON is a 400', () => withServer(async (_paths, server) => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({ socketPath: server.socketPath, method: 'POST', path: '/v1/echo', headers: { 'content-type': 'application/json' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end('{not json');
  });
  assert.equal(status, 400);
}));

test('a streamed reply arrives value by value', () => withServer(async (paths) => {
  const got: unknown[] = [];
  for await (const value of streamServed(paths, 'GET', '/v1/count')) got.push(value);
  assert.deepEqual(got, [{ n: 1 }, { n: 2 }, { n: 3 }]);
}, [
  on('GET', '/count', () => ndjson((async function* () { for (let n = 1; n <= 3; n++) yield { n }; })())),
]));

test('with nothing listening the client says E_NOT_RUNNING (exit 3)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-'));
  try {
    await assert.rejects(adminRequest(rootLayout(root), 'GET', '/v1/status'), { code: 'E_NOT_RUNNING', exit: EXIT.unavailable });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a second instance on the same root is refused with E_ALREADY_RUNNING', () => withServer(async (paths, server) => {
  await assert.rejects(startAdminServer({ socketPath: adminSocketPath(paths), routes: ROUTES }), { code: 'E_ALREADY_RUNNING' });
  // The first instance is untouched.
  assert.ok(existsSync(server.socketPath));
  assert.deepEqual(await callServed(paths, 'GET', '/v1/echo?q=still'), { query: 'still', path: '/echo' });
}));

test('a stale socket left by a killed process is replaced', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-'));
  const paths = rootLayout(root);
  mkdirSync(paths.run, { recursive: true, mode: 0o700 });
  const socket = adminSocketPath(paths);
  // A process that binds the socket and dies by SIGKILL leaves the file behind.
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  await new Promise((resolve) => child.once('exit', resolve));
  assert.ok(statSync(socket).isSocket(), 'the stale socket exists');
  const server = await startAdminServer({ socketPath: socket, routes: ROUTES });
  try {
    assert.deepEqual(await callServed(paths, 'GET', '/v1/echo?q=new'), { query: 'new', path: '/echo' });
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a file that is not a socket is never removed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-'));
  const paths = rootLayout(root);
  mkdirSync(paths.run, { recursive: true, mode: 0o700 });
  writeFileSync(adminSocketPath(paths), 'precious');
  try {
    await assert.rejects(startAdminServer({ socketPath: adminSocketPath(paths), routes: ROUTES }), { code: 'E_ADMIN_SOCKET' });
    assert.equal(readFileSync(adminSocketPath(paths), 'utf8'), 'precious');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('close removes the socket', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-'));
  const server = await startAdminServer({ socketPath: adminSocketPath(rootLayout(root)), routes: ROUTES });
  await server.close();
  assert.equal(existsSync(server.socketPath), false);
  rmSync(root, { recursive: true, force: true });
});

test('a connection that never finishes a request head is closed; a finished one is served and not cut', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-'));
  const paths = rootLayout(root);
  const slowRoutes: AdminRoutes = [...ROUTES, on('GET', '/slow', async () => { await new Promise((resolve) => setTimeout(resolve, 500)); return { ok: true }; })];
  const server = await startAdminServer({ socketPath: adminSocketPath(paths), routes: slowRoutes, headTimeoutMs: 200 });
  try {
    const slow = connect(adminSocketPath(paths));
    slow.write('GET /v1/echo HTTP/1.1\r\nHost: x\r\n'); // no blank line: the head never ends
    const closedAfter = await new Promise<number>((resolve) => {
      const start = performance.now();
      slow.on('close', () => resolve(performance.now() - start));
      slow.on('error', () => {});
    });
    assert.ok(closedAfter >= 150 && closedAfter < 5_000, `closed after ${closedAfter} ms`);
    // A request that arrives in time is answered, however long the reply takes past the timeout.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const reply = await callServed<{ query: string }>(paths, 'GET', '/v1/echo?q=in-time');
    assert.equal(reply.query, 'in-time');
    assert.deepEqual(await callServed(paths, 'GET', '/v1/slow'), { ok: true }, 'a reply that takes longer than the head timeout');
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

/** A raw connection to the server and everything it receives, until it closes. */
function rawConnection(socketPath: string): { socket: ReturnType<typeof connect>; received: () => string; closed: Promise<void> } {
  const socket = connect(socketPath);
  let text = '';
  socket.setEncoding('utf8').on('data', (d: string) => { text += d; });
  socket.on('error', () => {});
  // Bounded so that a server that never closes fails the test instead of hanging it.
  const closed = new Promise<void>((resolve, reject) => {
    const bound = setTimeout(() => reject(new Error(`the server kept the connection open; received:\n${text}`)), 10_000);
    socket.on('close', () => { clearTimeout(bound); resolve(); });
  });
  return { socket, received: () => text, closed };
}

async function withTimeouts(run: (paths: Paths) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-'));
  const paths = rootLayout(root);
  const server = await startAdminServer({ socketPath: adminSocketPath(paths), routes: ROUTES, headTimeoutMs: 200, bodyTimeoutMs: 200 });
  try {
    await run(paths);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

test('a request body that does not arrive in time is answered 408 and its connection closed; one that does is served', () => withTimeouts(async (paths) => {
  const slow = rawConnection(adminSocketPath(paths));
  slow.socket.write('POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{"a":');
  await slow.closed;
  assert.match(slow.received(), /^HTTP\/1\.1 408 /);
  assert.match(slow.received(), /E_ADMIN_BODY_TIMEOUT/);
  // The twin: the same body sent whole is echoed.
  assert.deepEqual(await adminRequest(paths, 'POST', '/v1/echo', { a: 1 }), { status: 201, body: { a: 1 } });
}));

test('on a keep-alive connection a second request head that does not finish in time closes it; a whole one is served', () => withTimeouts(async (paths) => {
  const request = 'GET /v1/echo?q=one HTTP/1.1\r\nHost: x\r\n\r\n';
  const conn = rawConnection(adminSocketPath(paths));
  conn.socket.write(request);
  while (!conn.received().includes('"one"')) await new Promise((resolve) => setTimeout(resolve, 10));
  // The twin first: a second whole request on the same connection is answered.
  conn.socket.write(request.replace('one', 'two'));
  while (!conn.received().includes('"two"')) await new Promise((resolve) => setTimeout(resolve, 10));
  // Then a head that never ends (no blank line): the server closes the connection.
  conn.socket.write('GET /v1/echo?q=three HTTP/1.1\r\nHost: x\r\n');
  await conn.closed;
  assert.doesNotMatch(conn.received(), /three/);
}));

test('while the system is not up a missing route is 503 E_ADMIN_UNAVAILABLE, once it is up 404; present routes answer either way', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-'));
  const paths = rootLayout(root);
  let phase: string | undefined = 'stopping';
  const server = await startAdminServer({ socketPath: adminSocketPath(paths), routes: ROUTES, unavailable: () => phase });
  try {
    const gone = await adminRequest(paths, 'GET', '/v1/ledger/tail');
    assert.equal(gone.status, 503);
    assert.equal((gone.body as { error: { code: string } }).error.code, 'E_ADMIN_UNAVAILABLE');
    await assert.rejects(callServed(paths, 'GET', '/v1/ledger/tail'), { code: 'E_ADMIN_UNAVAILABLE', exit: EXIT.unavailable });
    assert.deepEqual(await callServed(paths, 'GET', '/v1/echo?q=up'), { query: 'up', path: '/echo' });
    phase = undefined;
    assert.equal((await adminRequest(paths, 'GET', '/v1/ledger/tail')).status, 404);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
