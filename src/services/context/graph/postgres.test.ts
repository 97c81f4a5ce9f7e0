// T4 on a real PostgreSQL server: a throwaway cluster in a temporary
// directory (initdb, then postgres on a free port of 127.0.0.1), run as an
// unprivileged uid when we are root (postgres refuses to run as root), with
// SCRAM-SHA-256 password authentication over TCP, TLS offered
// (testing/pg-cluster.ts). The same graph suite as
// on SQLite runs against it. Skipped, with the reason printed, when no
// PostgreSQL server binaries are installed (.ci/run installs Debian's).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { graphSuite } from '../testing/graph-suite.ts';
import { pgSkip as skip, startPgCluster, type PgCluster } from '../testing/pg-cluster.ts';
import { postgresDriver } from './postgres-driver.ts';
import type { SqlDriver } from './sql-driver.ts';

if (skip !== undefined) process.stdout.write(`# skipping the PostgreSQL graph tests: ${skip}\n`);

const PASSWORD = 'graph-test-password-7f3a';
let cluster: PgCluster | undefined;
let port = 0;
let driver: SqlDriver | undefined;

before(async () => {
  if (skip !== undefined) return;
  cluster = await startPgCluster(PASSWORD);
  port = cluster.port;
  driver = await postgresDriver({ host: '127.0.0.1', port, user: 'octant', database: 'postgres', password: PASSWORD });
});

after(async () => {
  await driver?.close();
  await cluster?.stop();
});

test('postgres: the wrong password is refused (SCRAM-SHA-256); the right one connects and answers', { skip }, async () => {
  await assert.rejects(postgresDriver({ host: '127.0.0.1', port, user: 'octant', database: 'postgres', password: 'not-the-password' }), (e: Error & { code?: string }) => e.code === 'E_MEMORY_GRAPH_DB' && /28P01/.test(e.message));
  await assert.rejects(postgresDriver({ host: '127.0.0.1', port, user: 'octant', database: 'postgres' }), /asks a password/);
  assert.deepEqual(await driver!.all('SELECT ? AS a, ?::int AS b, NULL AS c', ['text é', 41]), [{ a: 'text é', b: 41, c: null }]);
  await assert.rejects(driver!.all('SELECT * FROM no_such_table'), /42P01/);
  // The connection still serves after an error.
  assert.deepEqual(await driver!.all('SELECT 1 AS one'), [{ one: 1 }]);
});

test('postgres over TLS: require encrypts, verify-full checks the certificate and its name; the twin without TLS is in the clear', { skip }, async () => {
  const base = { host: '127.0.0.1', port, user: 'octant', database: 'postgres', password: PASSWORD };
  const encrypted = async (d: SqlDriver): Promise<unknown> => (await d.all('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'))[0]?.ssl;
  const plain = await postgresDriver(base);
  assert.equal(await encrypted(plain), 'f');
  await plain.close();
  const required = await postgresDriver({ ...base, tls: { mode: 'require' } });
  assert.equal(await encrypted(required), 't');
  await required.close();
  const verified = await postgresDriver({ ...base, tls: { mode: 'verify-full', ca: cluster!.ca } });
  assert.equal(await encrypted(verified), 't');
  await verified.close();
  // The self-signed certificate is not among the system's CAs.
  await assert.rejects(postgresDriver({ ...base, tls: { mode: 'verify-full' } }), (e: Error & { code?: string }) => e.code === 'E_MEMORY_GRAPH_DB' && /TLS: .*self.signed/i.test(e.message));
});

test('postgres over TLS: a server that does not offer TLS is refused, never spoken to in the clear', async () => {
  let received = Buffer.alloc(0);
  const server = createServer((socket) => {
    socket.on('data', (c: Buffer) => {
      received = Buffer.concat([received, c]);
      if (received.length === 8) socket.write('N');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const at = (server.address() as AddressInfo).port;
    await assert.rejects(postgresDriver({ host: '127.0.0.1', port: at, user: 'octant', database: 'postgres', password: 'never-sent', tls: { mode: 'require' } }), /does not offer TLS/);
    assert.equal(received.length, 8, 'only the SSLRequest was sent');
    assert.equal(received.toString('latin1').includes('never-sent'), false);
  } finally {
    server.close();
  }
});

graphSuite('postgres', () => driver!, { skip });
