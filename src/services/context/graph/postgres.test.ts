// T4 on a real PostgreSQL server: a throwaway cluster in a temporary
// directory (initdb, then postgres on a free port of 127.0.0.1), run as an
// unprivileged uid when we are root (postgres refuses to run as root), with
// SCRAM-SHA-256 password authentication over TCP. The same graph suite as
// on SQLite runs against it. Skipped, with the reason printed, when no
// PostgreSQL server binaries are installed (.ci/run installs Debian's).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphSuite } from '../testing/graph-suite.ts';
import { postgresDriver } from './postgres-driver.ts';
import type { SqlDriver } from './sql-driver.ts';

/** initdb and postgres: on PATH, else Debian's /usr/lib/postgresql/<version>/bin. */
function serverBin(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath !== '') return onPath.replace(/\/initdb$/, '');
  const debian = '/usr/lib/postgresql';
  if (!existsSync(debian)) return undefined;
  const versions = readdirSync(debian).filter((v) => existsSync(join(debian, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? undefined : join(debian, versions[0], 'bin');
}

const bin = serverBin();
const NOBODY = 65534;
const root = process.getuid?.() === 0;
const skip = bin === undefined ? 'no PostgreSQL server binaries (initdb) on PATH or in /usr/lib/postgresql/*/bin' : undefined;
if (skip !== undefined) process.stdout.write(`# skipping the PostgreSQL graph tests: ${skip}\n`);

const PASSWORD = 'graph-test-password-7f3a';
let dir: string;
let server: ChildProcess | undefined;
let port = 0;
let driver: SqlDriver | undefined;

/** Run a server binary as nobody when we are root (setpriv, util-linux), else as ourselves. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return root ? ['setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', '--', cmd, ...args]] : [cmd, args];
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

before(async () => {
  if (skip !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'octant-pg-'));
  mkdirSync(join(dir, 'sock'));
  writeFileSync(join(dir, 'pw'), `${PASSWORD}\n`);
  if (root) for (const p of [dir, join(dir, 'sock'), join(dir, 'pw')]) chownSync(p, NOBODY, NOBODY);
  chmodSync(dir, 0o700);
  const [initCmd, initArgs] = asServerUser(join(bin!, 'initdb'), ['-D', join(dir, 'data'), '-U', 'octant', '--pwfile', join(dir, 'pw'), '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8', cwd: dir });
  assert.equal(init.status, 0, `initdb: ${init.stderr}`);
  port = await freePort();
  const [cmd, args] = asServerUser(join(bin!, 'postgres'), ['-D', join(dir, 'data'), '-p', String(port), '-k', join(dir, 'sock'), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
  server = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  for (let i = 0; ; i++) {
    try {
      driver = await postgresDriver({ host: '127.0.0.1', port, user: 'octant', database: 'postgres', password: PASSWORD });
      break;
    } catch (error) {
      if (i > 100 || server.exitCode !== null) throw new Error(`postgres did not start: ${String(error)}\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

after(async () => {
  await driver?.close();
  if (server !== undefined && server.exitCode === null) {
    server.kill('SIGINT'); // fast shutdown
    await new Promise((resolve) => server!.once('exit', resolve));
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('postgres: the wrong password is refused (SCRAM-SHA-256); the right one connects and answers', { skip }, async () => {
  await assert.rejects(postgresDriver({ host: '127.0.0.1', port, user: 'octant', database: 'postgres', password: 'not-the-password' }), (e: Error & { code?: string }) => e.code === 'E_MEMORY_GRAPH_DB' && /28P01/.test(e.message));
  await assert.rejects(postgresDriver({ host: '127.0.0.1', port, user: 'octant', database: 'postgres' }), /asks a password/);
  assert.deepEqual(await driver!.all('SELECT ? AS a, ?::int AS b, NULL AS c', ['text é', 41]), [{ a: 'text é', b: 41, c: null }]);
  await assert.rejects(driver!.all('SELECT * FROM no_such_table'), /42P01/);
  // The connection still serves after an error.
  assert.deepEqual(await driver!.all('SELECT 1 AS one'), [{ one: 1 }]);
});

graphSuite('postgres', () => driver!, { skip });
