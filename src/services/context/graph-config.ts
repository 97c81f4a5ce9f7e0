// Where T4 lives, from octant.yaml (services.context.graph; docs/memory.md
// "Scaling out"): the SQLite file beside the partitions (default), or a
// PostgreSQL server a fleet shares (graph/postgres-driver.ts).
//
// The password is never in the yaml, an environment variable or a log: the
// config names a vault secret, stored as HTTP-basic credentials bound to the
// server (`octant vault put NAME --basic USER --host HOST:PORT`) and granted
// to the context service (`octant vault grant NAME agent:context`). The
// vault hands it over only for that host:port, so a config pointed at
// another server cannot draw the password out; the user is checked against
// the secret's too.
//
// Fail closed: a missing or contradictory setting, an unreadable CA file, a
// refused password or an unreachable server stops the service with an error
// naming the setting. It never falls back to SQLite (a fleet's graph would
// silently split in two).

import { readFileSync } from 'node:fs';
import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';
import type { ObjectSchema, ConfigValue } from '../../runtime/config-schema.ts';
import type { VaultApi } from '../vault/api.ts';
import type { SqlDriver } from './graph/sql-driver.ts';

/** The principal the context service takes vault tokens as (grant secrets to agent:context). */
export const CONTEXT_PRINCIPAL = 'context';

export const GRAPH_CONFIG = {
  doc: 'where T4 (entities and relations) lives: sqlite (the file beside the partitions) or a PostgreSQL server a fleet shares',
  type: 'object',
  properties: {
    backend: { type: 'string', enum: ['sqlite', 'postgres'], default: 'sqlite', doc: 'sqlite: <dir>/recall/tiers.sqlite; postgres: the server below (no fallback to sqlite when it cannot be reached)' },
    host: { type: 'string', default: '', maxLength: 253, doc: 'postgres: the server\'s host name or IP, or the directory of its Unix socket' },
    port: { type: 'integer', min: 1, max: 65535, default: 5432, doc: 'postgres: the server\'s port' },
    database: { type: 'string', default: '', maxLength: 63, doc: 'postgres: the database (its tables are created if missing)' },
    user: { type: 'string', default: '', maxLength: 63, doc: 'postgres: the role to log in as; must be the user of the password secret' },
    passwordSecret: { type: 'string', default: '', maxLength: 128, doc: 'postgres: the vault secret holding the password (put with --basic USER --host HOST:PORT, granted to agent:context); never the password itself' },
    tls: { type: 'string', enum: ['off', 'require', 'verify-full'], default: 'verify-full', doc: 'postgres: verify-full checks the server\'s certificate and name; require only encrypts; off only for a Unix socket or loopback' },
    ca: { type: 'string', default: '', doc: 'postgres, verify-full: a PEM file of the CA that signed the server\'s certificate; empty: the system\'s CAs' },
  },
} as const satisfies ObjectSchema;

export type GraphConfig = ConfigValue<typeof GRAPH_CONFIG>;

const FIELD = 'services.context.graph';
const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function configError(field: string, message: string, hint?: string): OctantError {
  return new OctantError('E_CONFIG', `${FIELD}.${field}: ${message}`, { exit: EXIT.usage, ...(hint === undefined ? {} : { hint }) });
}

/** The checked PostgreSQL settings (every refusal names its field), before anything is connected. */
export function checkPostgresConfig(config: GraphConfig): { host: string; port: number; database: string; user: string; passwordSecret: string; tls?: { mode: 'require' | 'verify-full'; ca?: string } } {
  for (const field of ['host', 'database', 'user', 'passwordSecret'] as const) {
    if (config[field] === '') throw configError(field, 'required when backend is postgres');
  }
  if (!SECRET_NAME.test(config.passwordSecret)) throw configError('passwordSecret', `${JSON.stringify(config.passwordSecret)} is not a vault secret name`, 'name the secret; the password itself never goes into octant.yaml');
  const socket = config.host.startsWith('/');
  if (socket && config.tls !== 'off') throw configError('tls', 'PostgreSQL speaks no TLS over a Unix socket: set tls: off for a socket directory');
  if (!socket && config.tls === 'off' && !/^(?:127\.\d+\.\d+\.\d+|::1|localhost)$/.test(config.host)) {
    throw configError('tls', `off sends the graph (memory text) to ${config.host} in the clear`, 'use require or verify-full for a server off this machine');
  }
  if (config.ca !== '' && config.tls !== 'verify-full') throw configError('ca', 'only verify-full checks the certificate against a CA');
  let ca: string | undefined;
  if (config.ca !== '') {
    try {
      ca = readFileSync(config.ca, 'utf8');
    } catch (error) {
      throw configError('ca', `cannot read ${config.ca}: ${messageOf(error)}`);
    }
  }
  const tls = config.tls === 'off' ? undefined : { mode: config.tls, ...(ca === undefined ? {} : { ca }) };
  return { host: config.host, port: config.port, database: config.database, user: config.user, passwordSecret: config.passwordSecret, ...(tls === undefined ? {} : { tls }) };
}

/**
 * The password of `secret` for host:port, from the vault: injected as the
 * HTTP basic credentials of a request to that host and port (the vault's
 * host rule is what binds the secret to this server), then read back.
 */
async function passwordFor(vault: Pick<VaultApi, 'issueToken' | 'inject'>, secret: string, host: string, port: number, user: string): Promise<string> {
  const token = await vault.issueToken(CONTEXT_PRINCIPAL, [secret], { ttlSeconds: 60, maxUses: 1 });
  let injected;
  try {
    injected = await vault.inject(token, secret, { url: `https://${host.includes(':') ? `[${host}]` : host}:${port}/`, headers: {} });
  } catch (error) {
    const code = error instanceof OctantError ? error.code : 'error';
    // The graph is opened when the service starts: a vault that is still sealed then cannot give the password.
    const hint = code === 'E_VAULT_SEALED'
      ? 'the vault must be unsealed when the context service starts: configure services.vault.keyFile, or use the sqlite backend'
      : `store it with: octant vault put ${secret} --basic ${user} --host ${host}:${port}; then: octant vault grant ${secret} agent:${CONTEXT_PRINCIPAL}`;
    throw configError('passwordSecret', `the vault did not give ${JSON.stringify(secret)} for ${host}:${port} (${code}: ${messageOf(error)})`, hint);
  }
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(injected.headers.Authorization ?? '');
  const pair = basic === null ? undefined : Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = pair?.indexOf(':') ?? -1;
  if (pair === undefined || colon < 0) throw configError('passwordSecret', `${JSON.stringify(secret)} is not stored as basic credentials`, `store it with: octant vault put ${secret} --basic ${user} --host ${host}:${port}`);
  if (pair.slice(0, colon) !== user) throw configError('user', `${JSON.stringify(user)} is not the user the secret ${JSON.stringify(secret)} was stored for`);
  return pair.slice(colon + 1);
}

/** T4's driver for the configured backend: undefined for sqlite (the recall tiers' own file), else a connected PostgreSQL driver. */
export async function openGraphDriver(config: GraphConfig, vault: Pick<VaultApi, 'issueToken' | 'inject'>): Promise<SqlDriver | undefined> {
  if (config.backend === 'sqlite') {
    for (const field of ['host', 'database', 'user', 'passwordSecret', 'ca'] as const) {
      if (config[field] !== '') throw configError(field, 'is for backend postgres; the backend is sqlite', `set ${FIELD}.backend: postgres, or remove ${field}`);
    }
    return undefined;
  }
  const pg = checkPostgresConfig(config);
  const password = await passwordFor(vault, pg.passwordSecret, pg.host, pg.port, pg.user);
  const { postgresDriver } = await import('./graph/postgres-driver.ts');
  try {
    return await postgresDriver({ host: pg.host, port: pg.port, database: pg.database, user: pg.user, password, ...(pg.tls === undefined ? {} : { tls: pg.tls }) });
  } catch (error) {
    const sqlstate = error instanceof OctantError ? (error.detail as { sqlstate?: string } | undefined)?.sqlstate : undefined;
    // 28P01 invalid_password, 28000 invalid_authorization_specification (PostgreSQL Appendix A).
    if (sqlstate === '28P01' || sqlstate === '28000') {
      throw new OctantError('E_MEMORY_GRAPH_DB', `${FIELD}: the PostgreSQL server ${pg.host}:${pg.port} refused the login of ${JSON.stringify(pg.user)} with the password of the vault secret ${JSON.stringify(pg.passwordSecret)} (SQLSTATE ${sqlstate})`, {
        exit: EXIT.denied, cause: error, hint: `rotate the secret to the role's password: octant vault rotate ${pg.passwordSecret}`,
      });
    }
    throw new OctantError('E_MEMORY_GRAPH_DB', `${FIELD}: cannot use the PostgreSQL server ${pg.host}:${pg.port}: ${messageOf(error)}`, { exit: EXIT.unavailable, cause: error });
  }
}
