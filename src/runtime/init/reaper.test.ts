import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setChildSubreaper } from '../../kernel/libc.ts';
import { silentLogger } from '../log.ts';
import { createReaper, readStat } from './reaper.ts';

/** Start a double fork; resolves with the orphan's pid once it is a zombie child of ours.
 *  The orphan sleeps so that it outlives the subshell: a shell may reap a
 *  background job that ends before the shell itself exits, and then there
 *  is no orphan at all. */
async function zombieOrphan(): Promise<number> {
  const shell = spawn('sh', ['-c', '(sleep 0.3 >/dev/null & echo $!) ; exit 0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  shell.stdout.on('data', (chunk: Buffer) => { out += chunk; });
  await once(shell, 'close');
  const pid = Number(out.trim());
  for (let i = 0; i < 2_000; i++) {
    const stat = readStat(pid);
    if (stat?.state === 'Z' && stat.ppid === process.pid) return pid;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`pid ${pid} never became our zombie (stat: ${JSON.stringify(readStat(pid))})`);
}

test('a subreaper gets the orphans of a double fork, and sweep() reaps the zombie', async () => {
  setChildSubreaper(true);
  const reaper = createReaper({ log: silentLogger, sweepMs: 0 });
  try {
    const pid = await zombieOrphan();
    // Negative twin: until someone waits for it, the zombie stays.
    assert.ok(reaper.zombies().includes(pid));
    assert.deepEqual(reaper.sweep(), [pid]);
    assert.equal(readStat(pid), undefined);
    assert.equal(reaper.reaped, 1);
  } finally {
    reaper.stop();
    setChildSubreaper(false);
  }
});

test('sweep() leaves the children libuv spawned alone, so their exit status reaches child_process', async () => {
  const reaper = createReaper({ log: silentLogger, sweepMs: 0 });
  try {
    const child = spawn('sh', ['-c', 'exit 7'], { stdio: 'ignore' });
    child.unref(); // unref'd children are tracked too
    // Sweep until the child is a zombie (libuv reaps it only when the loop
    // turns), proving the sweep saw it and skipped it.
    let sawZombie = false;
    while (child.exitCode === null) {
      if (reaper.zombies().includes(child.pid!)) {
        sawZombie = true;
        assert.deepEqual(reaper.sweep(), []);
        break;
      }
      await new Promise((r) => setImmediate(r));
    }
    const [code] = child.exitCode === null ? await once(child, 'exit') : [child.exitCode];
    assert.equal(code, 7);
    assert.ok(sawZombie || child.exitCode === 7);
  } finally {
    reaper.stop();
  }
});

test('started, the reaper reaps on SIGCHLD without a manual sweep', async () => {
  setChildSubreaper(true);
  const reaper = createReaper({ log: silentLogger, sweepMs: 0 });
  reaper.start();
  try {
    const shell = spawn('sh', ['-c', '(sleep 0.3 >/dev/null & echo $!) ; exit 0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    shell.stdout.on('data', (chunk: Buffer) => { out += chunk; });
    await once(shell, 'close');
    const pid = Number(out.trim());
    for (let i = 0; i < 2_000 && readStat(pid) !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(readStat(pid), undefined, `pid ${pid} was not reaped`);
    assert.ok(reaper.reaped >= 1);
  } finally {
    reaper.stop();
    setChildSubreaper(false);
  }
});
