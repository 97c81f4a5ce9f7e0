import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../runtime/log.ts';
import { rootLayout, type Paths } from '../runtime/paths.ts';
import { admin, adminRequest } from '../runtime/admin/client.ts';
import { callServed } from '../../test/support/served-routes.ts';
import { SYSTEM_API } from '../runtime/admin/system-api.ts';
import { on } from '../lib/http/route.ts';
import { configFile } from '../runtime/config.ts';
import type { AnyService, ServiceDefinition } from '../runtime/supervisor/service.ts';
import { startSystem } from './system.ts';

function simple(name: string, needs: string[], stops: string[], extra: Partial<AnyService> = {}): AnyService {
  return {
    name,
    needs,
    ...extra,
    async start(ctx) {
      return {
        api: { config: ctx.config },
        health: () => ({ ok: true, detail: `${name} fine` }),
        async stop() { stops.push(name); },
        routes: [on('GET', '/hello', (req) => ({ from: name, who: req.query.get('who') }))],
      };
    },
  };
}

async function withRoot(run: (paths: Paths) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'octant-system-'));
  try {
    await run(rootLayout(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('status and stop through the admin socket; stop goes in reverse order', () => withRoot(async (paths) => {
  const stops: string[] = [];
  const ready: string[] = [];
  const system = await startSystem({
    paths, log: silentLogger, onReady: (name) => ready.push(name),
    services: [simple('vault', ['ledger'], stops), simple('ledger', [], stops)],
  });
  await system.ready;
  assert.deepEqual(ready, ['ledger', 'vault']);
  const status = await admin(paths).call(SYSTEM_API.status);
  assert.equal(status.phase, 'ready');
  assert.equal(status.pid, process.pid);
  assert.equal(typeof status.version, 'string');
  assert.ok(status.uptimeMs >= 0);
  assert.deepEqual(status.services.map((s) => [s.name, s.state, s.health?.detail]), [['ledger', 'healthy', 'ledger fine'], ['vault', 'healthy', 'vault fine']]);
  assert.ok(status.services.every((s) => typeof s.readyMs === 'number'));
  // A service's own routes are mounted under its name.
  assert.deepEqual(await callServed(paths, 'GET', '/v1/vault/hello?who=op'), { from: 'vault', who: 'op' });

  // Power off is PID 1's to do: asked of this process (not PID 1) it is
  // refused, not silently ignored; a malformed request too. Nothing stops.
  const poweroff = await adminRequest(paths, 'POST', '/v1/stop', { then: 'poweroff' });
  assert.equal(poweroff.status, 400);
  assert.match(JSON.stringify(poweroff.body), /E_STOP_NOT_INIT/);
  const malformed = await adminRequest(paths, 'POST', '/v1/stop', { then: 'halt' });
  assert.equal(malformed.status, 400);
  assert.match(JSON.stringify(malformed.body), /E_STOP_BODY/);
  assert.equal(system.afterStop(), undefined);
  assert.equal((await admin(paths).call(SYSTEM_API.status)).phase, 'ready');
  // Twin: the plain stop.
  const reply = await adminRequest(paths, 'POST', '/v1/stop');
  assert.equal(reply.status, 202);
  await system.stopped;
  assert.deepEqual(stops, ['vault', 'ledger']);
  assert.equal(existsSync(system.socketPath), false);
  await assert.rejects(adminRequest(paths, 'GET', '/v1/status'), { code: 'E_NOT_RUNNING' });
}));

test('a bad configuration stops the boot before anything starts or listens', () => withRoot(async (paths) => {
  mkdirSync(paths.etc, { recursive: true });
  writeFileSync(configFile(paths), 'services:\n  ledger:\n    colour: blue\n');
  let started = false;
  const svc: ServiceDefinition = { name: 'ledger', needs: [], async start() { started = true; throw new Error('unreachable'); } };
  await assert.rejects(startSystem({ paths, log: silentLogger, services: [svc] }), (e: { code: string; message: string }) =>
    e.code === 'E_CONFIG' && e.message.includes('services.ledger.colour') && e.message.includes(configFile(paths)));
  assert.equal(started, false);
  assert.equal(existsSync(join(paths.run, 'admin.sock')), false);
}));

test('each service receives its validated section of octant.yaml', () => withRoot(async (paths) => {
  mkdirSync(paths.etc, { recursive: true });
  writeFileSync(configFile(paths), 'services:\n  ledger:\n    fsync: false\n');
  const svc = simple('ledger', [], [], { configSchema: { type: 'object', properties: { fsync: { type: 'boolean', default: true }, depth: { type: 'integer', default: 7 } } } });
  const system = await startSystem({ paths, log: silentLogger, services: [svc] });
  await system.ready;
  assert.equal(system.config.fromFile, true);
  assert.deepEqual(system.config.services.ledger, { fsync: false, depth: 7 });
  await system.stop();
}));

test('a service that gives up during boot fails the boot and the system stops itself', () => withRoot(async (paths) => {
  const stops: string[] = [];
  const broken: ServiceDefinition = {
    name: 'vault', needs: ['ledger'], restart: { mode: 'never', minDelayMs: 1, maxDelayMs: 1, maxRestarts: 0 },
    async start() { throw new Error('sealed for good'); },
  };
  const system = await startSystem({ paths, log: silentLogger, services: [simple('ledger', [], stops), broken] });
  await assert.rejects(system.ready, (e: { code: string; message: string }) => e.code === 'E_SERVICE_FAILED' && /vault/.test(e.message) && /sealed for good/.test(e.message));
  await system.stopped;
  assert.deepEqual(stops, ['ledger']);
  assert.equal(existsSync(system.socketPath), false);
}));

test('a second system on the same root is refused before its services start', () => withRoot(async (paths) => {
  const first = await startSystem({ paths, log: silentLogger, services: [] });
  await first.ready;
  let started = false;
  const svc: ServiceDefinition = { name: 'ledger', needs: [], async start() { started = true; throw new Error('unreachable'); } };
  await assert.rejects(startSystem({ paths, log: silentLogger, services: [svc] }), { code: 'E_ALREADY_RUNNING' });
  assert.equal(started, false);
  await first.stop();
}));

test('the machine identity is created with the state directories', () => withRoot(async (paths) => {
  const system = await startSystem({ paths, log: silentLogger, services: [] });
  await system.ready;
  assert.match(system.fingerprint, /^[0-9a-f]{64}$/);
  await system.stop();
  const again = await startSystem({ paths, log: silentLogger, services: [] });
  assert.equal(again.fingerprint, system.fingerprint);
  await again.stop();
}));

test('while the system stops, a route of a service already stopped answers 503 (unavailable), not 404', () => withRoot(async (paths) => {
  const stops: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const slowLedger = simple('ledger', [], stops);
  const system = await startSystem({
    paths, log: silentLogger,
    services: [simple('vault', ['ledger'], stops), {
      ...slowLedger,
      async start(ctx) {
        const running = await slowLedger.start(ctx);
        return { ...running, async stop() { await gate; await running.stop?.(); } };
      },
    }],
  });
  await system.ready;
  assert.equal((await adminRequest(paths, 'GET', '/v1/vault/hello')).status, 200);
  const stopping = system.stop('test');
  try {
    while (!stops.includes('vault')) await new Promise((resolve) => setTimeout(resolve, 10));
    const reply = await adminRequest(paths, 'GET', '/v1/vault/hello');
    assert.equal(reply.status, 503);
    assert.equal((reply.body as { error: { code: string } }).error.code, 'E_ADMIN_UNAVAILABLE');
    assert.equal((await admin(paths).call(SYSTEM_API.status)).phase, 'stopping');
  } finally {
    release();
    await stopping;
  }
}));
