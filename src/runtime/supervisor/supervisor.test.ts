import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootLayout } from '../paths.ts';
import { createSupervisor, type Transition } from './supervisor.ts';
import type { Health, RestartPolicy, RunningService, ServiceContext, ServiceDefinition } from './service.ts';

const paths = rootLayout('/nonexistent/octant-supervisor-test');
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Behaviour {
  /** Called at each start attempt (1-based); throw to fail the start. */
  start?: (attempt: number, ctx: ServiceContext) => Promise<void> | void;
  health?: () => Health;
  restart?: RestartPolicy;
  /** A promise that settles when this attempt's instance fails. */
  failed?: (attempt: number) => Promise<Error> | undefined;
}

/** The attempt number in the API of a test service (each hands out { name, attempt }). */
function attemptOf(api: unknown): number {
  assert.ok(typeof api === 'object' && api !== null && 'attempt' in api && typeof api.attempt === 'number', 'a test service API');
  return api.attempt;
}

/** A test service that records what happens to it in `trace`. */
function service(name: string, needs: string[], trace: string[], behaviour: Behaviour = {}): ServiceDefinition<{ name: string; attempt: number }> {
  let attempts = 0;
  return {
    name,
    needs,
    restart: behaviour.restart,
    async start(ctx) {
      attempts += 1;
      const attempt = attempts;
      trace.push(`enter:${name}`);
      await tick();
      await behaviour.start?.(attempt, ctx);
      trace.push(`leave:${name}`);
      const running: RunningService<{ name: string; attempt: number }> = {
        api: { name, attempt },
        health: behaviour.health ?? (() => ({ ok: true })),
        async stop() {
          trace.push(`stop-begin:${name}`);
          await tick();
          trace.push(`stop-end:${name}`);
        },
        failed: behaviour.failed?.(attempt),
      };
      return running;
    },
  };
}

/** Transitions as they happen, with a way to wait for one. */
function recorder() {
  const seen: Transition[] = [];
  const waiters: { match: (t: Transition) => boolean; resolve: (t: Transition) => void }[] = [];
  return {
    seen,
    onTransition(t: Transition) {
      seen.push(t);
      for (const w of [...waiters]) if (w.match(t)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(t); }
    },
    waitFor(match: (t: Transition) => boolean): Promise<Transition> {
      const found = seen.find(match);
      return found !== undefined ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

const fast: RestartPolicy = { mode: 'on-failure', minDelayMs: 1, maxDelayMs: 4, maxRestarts: 4 };

test('services start in dependency order and receive the APIs they need', async () => {
  const trace: string[] = [];
  const seenDeps: Record<string, string[]> = {};
  const spy = (name: string): Behaviour => ({ start: (_a, ctx) => { seenDeps[name] = Object.keys(ctx.deps).sort(); } });
  const ready: string[] = [];
  const sup = createSupervisor({
    paths,
    services: [service('router', ['ledger', 'vault'], trace, spy('router')), service('vault', ['ledger'], trace, spy('vault')), service('ledger', [], trace, spy('ledger'))],
    onReady: (name) => ready.push(name),
  });
  await sup.start();
  assert.deepEqual(ready, ['ledger', 'vault', 'router']);
  assert.deepEqual(seenDeps, { ledger: [], vault: ['ledger'], router: ['ledger', 'vault'] });
  const status = await sup.status();
  assert.ok(status.every((s) => s.state === 'healthy' && s.readyMs !== null && s.health?.ok === true));
  await sup.stop();
});

test('independent services start concurrently; a dependent waits for both', async () => {
  const trace: string[] = [];
  const sup = createSupervisor({ paths, services: [service('a', [], trace), service('b', [], trace), service('c', ['a', 'b'], trace)] });
  await sup.start();
  // Both entered start() before either finished: their starts overlapped.
  assert.ok(trace.indexOf('enter:b') < trace.indexOf('leave:a'), trace.join(' '));
  assert.ok(trace.indexOf('enter:a') < trace.indexOf('leave:b'), trace.join(' '));
  assert.ok(trace.indexOf('enter:c') > Math.max(trace.indexOf('leave:a'), trace.indexOf('leave:b')));
  await sup.stop();
});

test('a cycle or a missing dependency is refused before any service starts', () => {
  const trace: string[] = [];
  assert.throws(() => createSupervisor({ paths, services: [service('a', ['b'], trace), service('b', ['a'], trace), service('c', [], trace)] }), { code: 'E_SERVICE_CYCLE' });
  assert.throws(() => createSupervisor({ paths, services: [service('c', [], trace), service('vault', ['ledger'], trace)] }), { code: 'E_SERVICE_MISSING_DEP' });
  assert.deepEqual(trace, []);
});

test('a failing start is retried with doubling, capped backoff, then given up with its reason', async () => {
  const trace: string[] = [];
  const rec = recorder();
  const sup = createSupervisor({
    paths,
    services: [service('flaky', [], trace, { restart: fast, start: (n) => { throw new Error(`disk on fire #${n}`); } }), service('after', ['flaky'], trace)],
    onTransition: rec.onTransition,
  });
  await assert.rejects(sup.start(), (e: { code: string; message: string }) => e.code === 'E_SERVICE_FAILED' && /flaky/.test(e.message) && /disk on fire #5/.test(e.message));
  const fails = rec.seen.filter((t) => t.service === 'flaky' && t.event === 'fail');
  assert.deepEqual(fails.map((t) => t.delayMs), [1, 2, 4, 4]);
  assert.equal(rec.seen.filter((t) => t.event === 'give-up').length, 1);
  assert.equal(sup.state('flaky'), 'failed');
  assert.equal(sup.state('after'), 'pending');
  const status = await sup.status();
  assert.equal(status.find((s) => s.name === 'flaky')?.reason, 'disk on fire #5');
  assert.equal(status.find((s) => s.name === 'flaky')?.restarts, 4);
  assert.equal(trace.filter((t) => t === 'enter:after').length, 0);
  await sup.stop();
});

test("restart mode 'never' gives up at the first failure", async () => {
  const rec = recorder();
  const sup = createSupervisor({
    paths, onTransition: rec.onTransition,
    services: [service('once', [], [], { restart: { ...fast, mode: 'never' }, start: () => { throw new Error('no'); } })],
  });
  await assert.rejects(sup.start(), { code: 'E_SERVICE_FAILED' });
  assert.deepEqual(rec.seen.map((t) => t.event), ['start', 'give-up']);
  await sup.stop();
});

test('a service that recovers within its restarts comes up', async () => {
  const sup = createSupervisor({ paths, services: [service('late', [], [], { restart: fast, start: (n) => { if (n < 3) throw new Error('not yet'); } })] });
  await sup.start();
  const [status] = await sup.status();
  assert.equal(status.state, 'healthy');
  assert.equal(status.restarts, 2);
  await sup.stop();
});

test('a service failing after start is restarted and its dependents restart against the new instance', async () => {
  const trace: string[] = [];
  const rec = recorder();
  let crash!: (e: Error) => void;
  const apis: number[] = [];
  const sup = createSupervisor({
    paths,
    onTransition: rec.onTransition,
    services: [
      service('ledger', [], trace, { restart: fast, failed: (n) => (n === 1 ? new Promise<Error>((resolve) => { crash = resolve; }) : undefined) }),
      service('vault', ['ledger'], trace, { start: (_n, ctx) => { apis.push(attemptOf(ctx.deps.ledger)); } }),
    ],
  });
  await sup.start();
  crash(new Error('lost the database'));
  await rec.waitFor((t) => t.service === 'vault' && t.event === 'ready' && t.from === 'starting' && apis.length === 2);
  assert.deepEqual(apis, [1, 2]);
  const fail = rec.seen.find((t) => t.event === 'fail')!;
  assert.equal(fail.service, 'ledger');
  assert.equal(fail.reason, 'lost the database');
  // The dependent was stopped before the failed instance was cleaned up.
  assert.ok(trace.indexOf('stop-end:vault') < trace.indexOf('stop-begin:ledger'), trace.join(' '));
  assert.equal(sup.state('ledger'), 'healthy');
  assert.equal(sup.state('vault'), 'healthy');
  await sup.stop();
});

test('a failing periodic health check marks the service unhealthy, then restarts it', async () => {
  const rec = recorder();
  // The first instance answers its readiness check, then turns sick; the second stays well.
  let attempt = 0;
  let checks = 0;
  const health = (): Health => (attempt === 1 && ++checks > 1 ? { ok: false, detail: 'queue stuck' } : { ok: true });
  const sup = createSupervisor({
    paths,
    settings: { healthIntervalMs: 10 },
    onTransition: rec.onTransition,
    services: [service('probe', [], [], { restart: fast, start: (n) => { attempt = n; }, health })],
  });
  await sup.start();
  await rec.waitFor((t) => t.event === 'ready' && t.from === 'starting' && rec.seen.some((s) => s.event === 'fail'));
  const events = rec.seen.map((t) => t.event);
  assert.deepEqual(events.slice(0, 6), ['start', 'ready', 'sick', 'fail', 'retry', 'ready']);
  assert.match(rec.seen.find((t) => t.event === 'fail')!.reason!, /health check failed: queue stuck/);
  await sup.stop();
});

test('readiness is awaited: start returns, then health is polled until ok', async () => {
  let checks = 0;
  const sup = createSupervisor({ paths, services: [service('slow', [], [], { health: () => ({ ok: ++checks >= 3 }) })] });
  await sup.start();
  assert.ok(checks >= 3);
  await sup.stop();
});

test('a service never healthy within readyTimeoutMs fails with that reason', async () => {
  const sup = createSupervisor({
    paths, settings: { readyTimeoutMs: 30 },
    services: [service('mute', [], [], { restart: { ...fast, mode: 'never' }, health: () => ({ ok: false, detail: 'warming up' }) })],
  });
  await assert.rejects(sup.start(), (e: Error) => /not healthy within 30 ms: warming up/.test(e.message));
  await sup.stop();
});

test('stop goes in reverse dependency order: nobody stops before its dependents', async () => {
  const trace: string[] = [];
  const services = [
    service('ledger', [], trace), service('vault', ['ledger'], trace), service('router', ['ledger', 'vault'], trace),
    service('search', ['ledger'], trace), service('quorum', [], trace),
  ];
  const sup = createSupervisor({ paths, services });
  await sup.start();
  await sup.stop();
  for (const def of services) {
    for (const need of def.needs) {
      assert.ok(trace.indexOf(`stop-end:${def.name}`) < trace.indexOf(`stop-begin:${need}`), `${def.name} stops before ${need}: ${trace.join(' ')}`);
    }
  }
  assert.ok((await sup.status()).every((s) => s.state === 'stopped'));
});

test('stop during boot rejects start and stops the service that was starting', async () => {
  const trace: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const rec = recorder();
  const sup = createSupervisor({
    paths, onTransition: rec.onTransition,
    services: [service('slow', [], trace, { start: () => gate }), service('after', ['slow'], trace)],
  });
  const ready = sup.start().then(() => undefined, (e: { code: string }) => e.code);
  await rec.waitFor((t) => t.event === 'start');
  const stopping = sup.stop('test');
  release();
  await stopping;
  assert.equal(await ready, 'E_SERVICE_STOPPED');
  assert.deepEqual(trace.filter((t) => t.startsWith('stop')), ['stop-begin:slow', 'stop-end:slow']);
  assert.equal(sup.state('slow'), 'stopped');
  assert.equal(sup.state('after'), 'stopped');
});

test('each service gets its own configuration section', async () => {
  const got: Record<string, unknown> = {};
  const sup = createSupervisor({
    paths,
    config: { a: { level: 3 } },
    services: [service('a', [], [], { start: (_n, ctx) => { got.a = ctx.config; } }), service('b', [], [], { start: (_n, ctx) => { got.b = ctx.config; } })],
  });
  await sup.start();
  assert.deepEqual(got, { a: { level: 3 }, b: {} });
  await sup.stop();
});

/** A dependent that records each stop's reason and, stopped for a dependency's failure, keeps a value for its next instance. */
function keeper(log: string[]): ServiceDefinition {
  let attempts = 0;
  return {
    name: 'vault',
    needs: ['ledger'],
    async start(ctx) {
      attempts += 1;
      const attempt = attempts;
      log.push(`start ${attempt} took ${String(ctx.keep?.take())}`);
      return {
        api: {},
        health: () => ({ ok: true }),
        async stop(reason) {
          log.push(`stop ${attempt}: ${reason}`);
          if (reason === 'dependency-failed') ctx.keep?.put(`key of ${attempt}`, () => log.push(`discarded key of ${attempt}`));
        },
      };
    },
  };
}

test('stops say why; a value kept across a dependency restart is taken once by the next instance', async () => {
  const log: string[] = [];
  const rec = recorder();
  let crash!: (e: Error) => void;
  const ledger = service('ledger', [], [], { restart: fast, failed: (n) => (n === 1 ? new Promise<Error>((resolve) => { crash = resolve; }) : undefined) });
  const sup = createSupervisor({ paths, onTransition: rec.onTransition, services: [ledger, keeper(log)] });
  await sup.start();
  crash(new Error('EMFILE'));
  await rec.waitFor((t) => t.service === 'vault' && t.event === 'ready' && log.includes('start 2 took key of 1'));
  await sup.stop();
  assert.deepEqual(log, ['start 1 took undefined', 'stop 1: dependency-failed', 'start 2 took key of 1', 'stop 2: shutdown']);
  const status = await sup.status();
  assert.equal(status.find((s) => s.name === 'ledger')!.reason, 'EMFILE');
  assert.match(status.find((s) => s.name === 'ledger')!.lastFailureAt!, /^\d{4}-/);
  assert.equal(status.find((s) => s.name === 'vault')!.lastFailureAt, null);
});

test('a kept value no next instance will take is discarded: its dependency given up, or the system stopped', async () => {
  for (const ending of ['give-up', 'stop'] as const) {
    const log: string[] = [];
    const rec = recorder();
    let crash!: (e: Error) => void;
    const restart: RestartPolicy = ending === 'give-up' ? { ...fast, mode: 'never' } : { ...fast, minDelayMs: 60_000, maxDelayMs: 60_000 };
    const ledger = service('ledger', [], [], { restart, failed: (n) => (n === 1 ? new Promise<Error>((resolve) => { crash = resolve; }) : undefined) });
    const sup = createSupervisor({ paths, onTransition: rec.onTransition, services: [ledger, keeper(log)] });
    await sup.start();
    crash(new Error('disk gone'));
    await rec.waitFor((t) => t.service === 'ledger' && (t.event === 'give-up' || t.event === 'fail'));
    while (!log.includes('stop 1: dependency-failed')) await tick();
    if (ending === 'give-up') while (!log.includes('discarded key of 1')) await tick();
    await sup.stop();
    assert.deepEqual(log, ['start 1 took undefined', 'stop 1: dependency-failed', 'discarded key of 1'], ending);
  }
});
