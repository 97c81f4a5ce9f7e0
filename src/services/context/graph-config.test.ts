// services.context.graph: every refusal names its field and has a working
// twin; sqlite needs nothing (and refuses postgres settings left over). The
// vault and a real server: test/integration/memory-graph-executable.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../runtime/config-schema.ts';
import { GRAPH_CONFIG, checkPostgresConfig, openGraphDriver, type GraphConfig } from './graph-config.ts';

const config = (value: Record<string, unknown>): GraphConfig => validateConfig(GRAPH_CONFIG, value, 'services.context.graph', 'octant.yaml');
const pg = (over: Record<string, unknown> = {}) => config({ backend: 'postgres', host: 'db.internal', database: 'octant', user: 'octant', passwordSecret: 'pg-graph', ...over });

function refused(value: GraphConfig, field: string, message: RegExp): void {
  assert.throws(() => checkPostgresConfig(value), (e: { code: string; message: string }) => e.code === 'E_CONFIG' && e.message.startsWith(`services.context.graph.${field}:`) && message.test(e.message));
}

test('postgres settings: each missing or contradictory one is named; the complete twin passes (TLS verify-full by default)', () => {
  assert.deepEqual(checkPostgresConfig(pg()), { host: 'db.internal', port: 5432, database: 'octant', user: 'octant', passwordSecret: 'pg-graph', tls: { mode: 'verify-full' } });
  for (const field of ['host', 'database', 'user', 'passwordSecret']) refused(pg({ [field]: '' }), field, /required when backend is postgres/);
  refused(pg({ passwordSecret: 'hunter2 is my password' }), 'passwordSecret', /is not a vault secret name/);
  refused(pg({ host: '/run/postgresql' }), 'tls', /no TLS over a Unix socket/);
  assert.equal(checkPostgresConfig(pg({ host: '/run/postgresql', tls: 'off' })).tls, undefined);
  refused(pg({ tls: 'off' }), 'tls', /in the clear/);
  assert.equal(checkPostgresConfig(pg({ host: '127.0.0.1', tls: 'off' })).tls, undefined);
  refused(pg({ tls: 'require', ca: '/etc/ca.pem' }), 'ca', /only verify-full/);
  refused(pg({ ca: '/nonexistent/ca.pem' }), 'ca', /cannot read/);
  const dir = mkdtempSync(join(tmpdir(), 'octant-graph-config-'));
  try {
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    assert.equal(checkPostgresConfig(pg({ ca: join(dir, 'ca.pem') })).tls?.ca, '-----BEGIN CERTIFICATE-----\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The schema itself: an unknown backend or key is refused, naming it.
  assert.throws(() => config({ backend: 'neo4j' }), /services\.context\.graph\.backend: expected one of sqlite, postgres/);
  assert.throws(() => config({ password: 'x' }), /services\.context\.graph\.password/);
});

test('sqlite (the default) opens nothing and asks the vault nothing; postgres settings left with it are refused, naming them', async () => {
  const vault = {
    issueToken: async (): Promise<string> => assert.fail('the vault is not asked'),
    inject: async (): Promise<never> => assert.fail('the vault is not asked'),
  };
  assert.equal(await openGraphDriver(config({}), vault), undefined);
  await assert.rejects(openGraphDriver(config({ host: 'db.internal' }), vault), /services\.context\.graph\.host: is for backend postgres/);
});
