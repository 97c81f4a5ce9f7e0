import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { getPriority } from 'node:os';
import { threadId } from 'node:worker_threads';
import type { OctantError } from './errors.ts';
import { createWorkerPool, workerSource, type WorkerPool } from './worker-pool.ts';

const fixture = (threads = 1, queueLimit = 4): WorkerPool =>
  createWorkerPool({ name: 'fixture', source: { url: new URL('../../test/support/worker-pool-fixture.ts', import.meta.url) }, threads, queueLimit });

const code = (e: unknown): string | undefined => (e as { code?: string }).code;

test('tasks run in a worker thread, not this one, and their values come back', async () => {
  const pool = fixture(2);
  try {
    assert.deepEqual(await pool.run('echo', { a: [1, 'x'] }), { a: [1, 'x'] });
    const where = await pool.run<number>('thread', null);
    assert.notEqual(where, threadId);
  } finally {
    await pool.close();
  }
});

test('bounded: with every thread busy and the queue full, one more task is refused (E_WORKERS_BUSY); the rest finish', async () => {
  const pool = fixture(1, 2);
  const flag = new SharedArrayBuffer(4);
  try {
    const running = pool.run('block', flag);
    const waiting = [pool.run('echo', 1), pool.run('echo', 2)];
    await assert.rejects(pool.run('echo', 3), (e) => code(e) === 'E_WORKERS_BUSY' && /1 running and 2 waiting/.test((e as Error).message) && (e as OctantError).detail?.status === 503);
    assert.deepEqual(pool.stats(), { threads: 1, busy: 1, queued: 2, restarts: 0, done: 0 });
    Atomics.store(new Int32Array(flag), 0, 1);
    Atomics.notify(new Int32Array(flag), 0);
    assert.equal(await running, 'released');
    assert.deepEqual(await Promise.all(waiting), [1, 2]);
    // Room again: its twin is accepted.
    assert.equal(await pool.run('echo', 4), 4);
  } finally {
    await pool.close();
  }
});

test('a task that returns a promise answers when it settles: its value, or its error and code', async () => {
  const pool = fixture(1);
  try {
    assert.deepEqual(await pool.run('later', { v: [1, 2] }), { v: [1, 2] });
    await assert.rejects(pool.run('laterFail', 'not yet'), (e) => code(e) === 'E_FIXTURE_LATER' && /not yet/.test((e as Error).message));
    assert.equal(await pool.run('echo', 'still serving'), 'still serving');
  } finally {
    await pool.close();
  }
});

test('a task that throws fails alone with its code; a worker that dies fails its task and is replaced', async () => {
  const pool = fixture(1);
  try {
    await assert.rejects(pool.run('fail', 'bad input'), (e) => code(e) === 'E_FIXTURE' && /fail: bad input/.test((e as Error).message));
    assert.equal(pool.stats().restarts, 0);
    await assert.rejects(pool.run('crash', null), (e) => code(e) === 'E_WORKER_CRASHED' && /'crash'/.test((e as Error).message));
    assert.equal(await pool.run('echo', 'after'), 'after');
    assert.equal(pool.stats().restarts, 1);
    await assert.rejects(pool.run('nope', null), (e) => code(e) === 'E_WORKER_TASK_UNKNOWN');
  } finally {
    await pool.close();
  }
});

test('code that cannot start fails what waits (E_WORKER_START) instead of restarting forever', async () => {
  const pool = createWorkerPool({ name: 'broken', source: { code: 'throw new Error("cannot load")' }, threads: 1, queueLimit: 4 });
  try {
    const results = await Promise.allSettled([pool.run('echo', 1), pool.run('echo', 2)]);
    for (const r of results) assert.ok(r.status === 'rejected' && code(r.reason) === 'E_WORKER_START' && /cannot load/.test(String(r.reason.message)), String(r));
  } finally {
    await pool.close();
  }
});

test('close fails what waits and refuses later tasks (E_WORKERS_CLOSED)', async () => {
  const pool = fixture(1, 4);
  const flag = new SharedArrayBuffer(4);
  const running = pool.run('block', flag).catch((e: unknown) => e);
  const waiting = pool.run('echo', 1).catch((e: unknown) => e);
  await pool.close();
  assert.equal(code(await waiting), 'E_WORKERS_CLOSED');
  assert.equal(code(await running), 'E_WORKERS_CLOSED');
  await assert.rejects(pool.run('echo', 2), (e) => code(e) === 'E_WORKERS_CLOSED');
});

test('workerSource: the build\'s embedded code when there is some, else the entry file', () => {
  const entry = new URL('../../test/support/worker-pool-fixture.ts', import.meta.url);
  assert.deepEqual(workerSource('fixture', () => entry), { url: entry });
  globalThis.__OCTANT_WORKERS__ = { fixture: 'void 0' };
  try {
    assert.deepEqual(workerSource('fixture', () => { throw new Error('not asked for'); }), { code: 'void 0' });
  } finally {
    globalThis.__OCTANT_WORKERS__ = undefined;
  }
});

test('a background worker runs at the nice value it asks for; the serving thread keeps its own', async () => {
  const before = process.env.FIXTURE_NICENESS;
  const background = fixture(1);
  const foreground = fixture(1);
  try {
    // A worker starts on its pool's first task, with the environment of then.
    process.env.FIXTURE_NICENESS = '15';
    const started = background.run('niceness', null);
    delete process.env.FIXTURE_NICENESS;
    assert.equal(await started, 15);
    const own = getPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()));
    assert.equal(await foreground.run('niceness', null), own, 'the twin: a worker that asks nothing keeps the default');
    assert.notEqual(own, 15);
  } finally {
    if (before !== undefined) process.env.FIXTURE_NICENESS = before;
    await Promise.all([background.close(), foreground.close()]);
  }
});
