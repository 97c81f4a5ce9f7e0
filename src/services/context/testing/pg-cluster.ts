// A throwaway PostgreSQL cluster for tests: initdb in a temporary directory,
// then postgres on a free port of 127.0.0.1, run as an unprivileged uid when
// we are root (postgres refuses to run as root), SCRAM-SHA-256 password
// authentication over TCP, TLS on with a self-signed certificate (openssl)
// for 127.0.0.1. `pgSkip` says why tests must skip (no server binaries).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresDriver } from '../graph/postgres-driver.ts';
import type { SqlDriver } from '../graph/sql-driver.ts';
import { PgConnection } from '../graph/postgres-wire.ts';

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

export const pgSkip: string | undefined = bin === undefined ? 'no PostgreSQL server binaries (initdb) on PATH or in /usr/lib/postgresql/*/bin' : undefined;

export interface PgCluster {
  port: number;
  user: string;
  password: string;
  /** The self-signed certificate of the server (PEM), for verify-full. */
  ca: string;
  /** A driver on the cluster's `postgres` database, to read back what the system wrote. */
  connect(): Promise<SqlDriver>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

export async function startPgCluster(password: string): Promise<PgCluster> {
  if (bin === undefined) throw new Error(pgSkip);
  const root = process.getuid?.() === 0;
  // Run a server binary as nobody when we are root (setpriv, util-linux), else as ourselves.
  const asServerUser = (cmd: string, args: string[]): [string, string[]] => (root ? ['setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', '--', cmd, ...args]] : [cmd, args]);
  const dir = mkdtempSync(join(tmpdir(), 'octant-pg-'));
  mkdirSync(join(dir, 'sock'));
  writeFileSync(join(dir, 'pw'), `${password}\n`);
  const tls = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.crt')], { encoding: 'utf8' });
  if (tls.status !== 0) throw new Error(`openssl: ${tls.stderr}`);
  chmodSync(join(dir, 'server.key'), 0o600);
  if (root) for (const p of [dir, join(dir, 'sock'), join(dir, 'pw'), join(dir, 'server.key'), join(dir, 'server.crt')]) chownSync(p, NOBODY, NOBODY);
  chmodSync(dir, 0o700);
  const [initCmd, initArgs] = asServerUser(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'octant', '--pwfile', join(dir, 'pw'), '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8', cwd: dir });
  if (init.status !== 0) throw new Error(`initdb: ${init.stderr}`);
  const port = await freePort();
  const [cmd, args] = asServerUser(join(bin, 'postgres'), ['-D', join(dir, 'data'), '-p', String(port), '-k', join(dir, 'sock'), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off',
    '-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'server.crt')}`, '-c', `ssl_key_file=${join(dir, 'server.key')}`]);
  const server: ChildProcess = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  for (let i = 0; ; i++) {
    try {
      await (await PgConnection.connect({ host: '127.0.0.1', port, user: 'octant', database: 'postgres', password })).close();
      break;
    } catch (error) {
      if (i > 100 || server.exitCode !== null) throw new Error(`postgres did not start: ${String(error)}\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    user: 'octant',
    password,
    ca: readFileSync(join(dir, 'server.crt'), 'utf8'),
    connect: () => postgresDriver({ host: '127.0.0.1', port, user: 'octant', database: 'postgres', password }),
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGINT'); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
