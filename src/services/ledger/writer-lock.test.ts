// The ledger's writer lock (writer-lock.ts): a live writer, in another
// process or in this one, is refused; a lock file left by a writer that
// died is taken over whoever it names (a dead pid, our own pid as after a
// restart as PID 1, a pid reused by an unrelated process, an earlier boot),
// and the store records the takeover in the ledger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentHolder, LOCK_FILE, processStart, releaseWriterLock, takeWriterLock, type LockHolder } from './writer-lock.ts';
import { LedgerStore } from './store.ts';
import { readLedger } from './read.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'octant-writer-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A lock file as a writer that died without letting go leaves it. */
function leave(dir: string, holder: LockHolder | string): void {
  writeFileSync(join(dir, LOCK_FILE), typeof holder === 'string' ? holder : `${JSON.stringify(holder)}\n`);
}

/** A live process that is not an octant (and holds no lock). */
function sleeper(t: { after(fn: () => void): void }): ChildProcess {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  return child;
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const out = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  return Number(out.stdout.trim());
}

test('a second writer is refused, in this process too; after release the lock is free and no file is left', (t) => {
  const dir = tempDir(t);
  const lock = takeWriterLock(dir);
  assert.equal(lock.takeover, undefined);
  assert.deepEqual(JSON.parse(readFileSync(lock.path, 'utf8')), currentHolder());
  assert.equal(statSync(lock.path).mode & 0o777, 0o600);
  assert.throws(() => takeWriterLock(dir), (e: Error & { code?: string }) => e.code === 'E_LEDGER_LOCKED' && e.message.includes(`pid ${process.pid}`));
  releaseWriterLock(lock);
  assert.equal(existsSync(lock.path), false);
  const again = takeWriterLock(dir);
  assert.equal(again.takeover, undefined);
  releaseWriterLock(again);
});

test('a lock file naming a dead pid, our own pid, a reused pid or an earlier boot is taken over, each reason named', (t) => {
  const dir = tempDir(t);
  const me = currentHolder();
  const live = sleeper(t);
  const cases: Array<[LockHolder | string, string]> = [
    [{ pid: deadPid(), start: '12345', boot: me.boot }, 'process gone'],
    // As PID 1 of a container every restart has the crashed run's pid.
    [{ pid: process.pid, start: '1', boot: me.boot }, 'own pid'],
    [{ pid: live.pid!, start: String(Number(processStart(live.pid!)) + 1), boot: me.boot }, 'pid reused'],
    [{ pid: live.pid!, start: processStart(live.pid!), boot: 'a-boot-before-this-one' }, 'earlier boot'],
    // The old pid-only format: a dead pid, and our own.
    [`${deadPid()}\n`, 'process gone'],
    [`${process.pid}\n`, 'own pid'],
  ];
  for (const [holder, reason] of cases) {
    leave(dir, holder);
    const lock = takeWriterLock(dir);
    assert.equal(lock.takeover?.reason, reason, JSON.stringify(holder));
    assert.deepEqual(JSON.parse(readFileSync(lock.path, 'utf8')), me, 'the file now names this process');
    releaseWriterLock(lock);
  }
});

test('a lock file naming a live process as it is (same start time) is refused, as is a pid-only one naming a live pid', (t) => {
  const dir = tempDir(t);
  const live = sleeper(t);
  for (const holder of [{ pid: live.pid!, start: processStart(live.pid!), boot: currentHolder().boot }, `${live.pid}\n`]) {
    leave(dir, holder);
    assert.throws(() => takeWriterLock(dir), (e: Error & { code?: string }) => e.code === 'E_LEDGER_LOCKED' && e.message.includes(`pid ${live.pid}`));
  }
  // The twin: once that process is gone, the same file is taken over.
  live.kill('SIGKILL');
  spawnSync('sleep', ['0.1']);
  const lock = takeWriterLock(dir);
  assert.equal(lock.takeover?.reason, 'process gone');
  releaseWriterLock(lock);
});

const HOLDER = `const { LedgerStore } = await import(process.argv[1]);
await LedgerStore.open(process.argv[2]);
console.log('open');
setInterval(() => {}, 1000);`;

test('a live writer in another process is refused; after its kill -9 the store takes over and records it in the ledger', async (t) => {
  const dir = tempDir(t);
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', HOLDER, new URL('./store.ts', import.meta.url).href, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('open')) resolve(); });
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  await assert.rejects(LedgerStore.open(dir), (e: Error & { code?: string }) => e.code === 'E_LEDGER_LOCKED' && e.message.includes(`pid ${child.pid}`));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  const store = await LedgerStore.open(dir);
  await store.close();
  const entries = readLedger(dir, { keepEntries: true }).replay.entries;
  const takeover = entries.find((e) => e.action === 'ledger.lock-takeover');
  assert.equal(takeover?.kind, 'system');
  assert.equal(takeover?.detail.previousPid, child.pid);
  assert.equal(takeover?.detail.reason, 'process gone');
  // A clean close leaves no lock file, so the next open records nothing.
  const clean = await LedgerStore.open(dir);
  await clean.close();
  assert.equal(readLedger(dir, { keepEntries: true }).replay.entries.filter((e) => e.action === 'ledger.lock-takeover').length, 1);
});
