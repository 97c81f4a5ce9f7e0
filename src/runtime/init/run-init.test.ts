// runInit in this process (subreaper mode): the outcomes of boot and stop.
// The PID 1 behaviour is tested for real in test/integration/init-pid1.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isChildSubreaper, setChildSubreaper } from '../../kernel/libc.ts';
import { isOctantError } from '../../lib/errors.ts';
import { silentLogger } from '../log.ts';
import { runInit, type Booted } from './run-init.ts';

function system(): Booted & { stopCalls: Array<string | undefined>; finish(error?: Error): void } {
  let settle!: (error?: Error) => void;
  const stopped = new Promise<void>((resolve, reject) => { settle = (error) => (error ? reject(error) : resolve()); });
  const stopCalls: Array<string | undefined> = [];
  return {
    stopCalls,
    stopped,
    finish: settle,
    async stop(reason) {
      stopCalls.push(reason);
      settle();
    },
  };
}

const listeners = () => process.listenerCount('SIGTERM') + process.listenerCount('SIGINT');

test('SIGTERM stops the booted system with the signal as reason and resolves 0; handlers are removed after', async () => {
  const before = listeners();
  const sys = system();
  const done = runInit({ boot: async () => sys, log: silentLogger, pid: process.pid, sweepMs: 0 });
  await new Promise((r) => setImmediate(r));
  assert.equal(isChildSubreaper(), true);
  assert.equal(listeners(), before + 2);
  process.kill(process.pid, 'SIGTERM');
  assert.equal(await done, 0);
  assert.deepEqual(sys.stopCalls, ['SIGTERM']);
  assert.equal(listeners(), before);
  setChildSubreaper(false);
});

test('a system that stops on its own ends init with 0; one that fails, with 1', async () => {
  const clean = system();
  const cleanRun = runInit({ boot: async () => clean, log: silentLogger, pid: process.pid, sweepMs: 0 });
  await new Promise((r) => setImmediate(r));
  clean.finish();
  assert.equal(await cleanRun, 0);
  assert.deepEqual(clean.stopCalls, []);

  const failing = system();
  const failRun = runInit({ boot: async () => failing, log: silentLogger, pid: process.pid, sweepMs: 0 });
  await new Promise((r) => setImmediate(r));
  failing.finish(new Error('ledger gave up'));
  assert.equal(await failRun, 1);
  setChildSubreaper(false);
});

test('a boot that throws is E_INIT_BOOT naming the cause, and leaves no signal handler behind', async () => {
  const before = listeners();
  await assert.rejects(runInit({ boot: async () => { throw new Error('config: bad port'); }, log: silentLogger, pid: process.pid, sweepMs: 0 }),
    (e) => isOctantError(e, 'E_INIT_BOOT') && /config: bad port/.test(e.message));
  assert.equal(listeners(), before);
  setChildSubreaper(false);
});

test('a signal during boot is kept and stops the system as soon as it is up', async () => {
  const sys = system();
  let release!: () => void;
  const booting = new Promise<void>((resolve) => { release = resolve; });
  const seen: string[] = [];
  const log = { ...silentLogger, info: (msg: string) => { seen.push(msg); } };
  const done = runInit({ boot: async () => { await booting; return sys; }, log, pid: process.pid, sweepMs: 0 });
  await new Promise((r) => setImmediate(r));
  process.kill(process.pid, 'SIGINT');
  for (let i = 0; i < 500 && !seen.includes('shutdown requested'); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(seen.includes('shutdown requested') && !seen.includes('booted'), seen.join(', '));
  assert.deepEqual(sys.stopCalls, []);
  release();
  assert.equal(await done, 0);
  assert.deepEqual(sys.stopCalls, ['SIGINT']);
  setChildSubreaper(false);
});

test('a second signal while stopping calls exit with 128 + the signal number', async () => {
  const exits: number[] = [];
  let stopEntered!: () => void;
  const entered = new Promise<void>((resolve) => { stopEntered = resolve; });
  let unstick!: () => void;
  const stuckUntil = new Promise<void>((resolve) => { unstick = resolve; });
  // A stop that hangs until the test lets it go (a real init would have exited).
  const stuck: Booted = { stopped: stuckUntil, stop: () => { stopEntered(); return stuckUntil; } };
  const done = runInit({ boot: async () => stuck, log: silentLogger, pid: process.pid, sweepMs: 0, exit: (code) => exits.push(code) });
  await new Promise((r) => setImmediate(r));
  process.kill(process.pid, 'SIGTERM');
  await entered;
  process.kill(process.pid, 'SIGINT');
  for (let i = 0; i < 500 && exits.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(exits, [130]);
  unstick();
  assert.equal(await done, 0);
  setChildSubreaper(false);
});
