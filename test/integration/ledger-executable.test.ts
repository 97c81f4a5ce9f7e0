// The ledger's full replay through the shipped executable. From 4 MiB on a
// replay hashes in worker threads, and workers of dist/octant start from its
// startup snapshot, which changes what they may load (hash-workers.ts): a
// worker that loaded node:crypto aborted the whole process (SIGABRT) in most
// runs of `octant ledger verify` and of a boot without ledger.state. The
// sources run under `node --test` have no snapshot, so only this test sees
// it. Each command runs several times: the abort depended on thread timing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LedgerStore } from '../../src/services/ledger/store.ts';
import { PARALLEL_FROM_BYTES, SEGMENT_FILE } from '../../src/services/ledger/read.ts';
import { SNAPSHOT_FILE } from '../../src/services/ledger/snapshot.ts';
import { readLedger } from '../../src/services/ledger/read.ts';
import { LOCK_FILE } from '../../src/services/ledger/writer-lock.ts';
import { AS_PID1, RunningInit, pid1Skip } from '../support/running-init.ts';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'octant');
const skip = existsSync(built) ? undefined : `${built} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping ledger executable tests: ${skip}\n`);

/** Runs per command: the old abort hit 127 of 201 verifies, so 12 clean runs in a row would have been a 1-in-100,000 fluke. */
const ROUNDS = 12;

let root = '';
let ledger = '';

before(async () => {
  if (skip !== undefined) return;
  root = mkdtempSync(join(tmpdir(), 'octant-ledger-exe-'));
  ledger = join(root, 'lib', 'ledger');
  mkdirSync(ledger, { recursive: true, mode: 0o700 });
  const store = await LedgerStore.open(ledger);
  let next = 0;
  // ~11 MB: well past PARALLEL_FROM_BYTES, so every full replay uses workers.
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < 40_000) {
      const i = next++;
      await store.append({ agent: `aid-${i % 16}`, lineage: ['root-aid'], kind: 'action', action: 'fs.read', target: `/work/file-${i}`, decision: 'allow', detail: { bytes: i * 7 } });
    }
  }));
  await store.close();
  assert.ok(statSync(join(ledger, SEGMENT_FILE)).size > 2 * PARALLEL_FROM_BYTES);
});
after(() => { if (root !== '') rmSync(root, { recursive: true, force: true }); });

function octant(args: string[]) {
  const out = spawnSync(built, ['--root', root, ...args], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: root }, timeout: 60_000 });
  return { status: out.status, signal: out.signal, stdout: out.stdout, stderr: out.stderr };
}

function assertClean(out: ReturnType<typeof octant>, what: string): void {
  assert.equal(out.signal, null, `${what} died of ${out.signal}:\n${out.stderr}`);
  assert.equal(out.status, 0, `${what} exited ${out.status}:\n${out.stderr}`);
}

test('octant ledger verify on a multi-megabyte ledger never aborts', { skip }, () => {
  for (let round = 0; round < ROUNDS; round++) {
    const out = octant(['ledger', 'verify']);
    assertClean(out, `verify round ${round}`);
    assert.match(out.stdout, /^ok: .* 40000 entries/);
  }
});

test('boot on a multi-megabyte ledger, without ledger.state (full replay) and with it, never aborts', { skip }, () => {
  for (let round = 0; round < ROUNDS; round++) {
    const withState = round % 2 === 1;
    if (!withState) rmSync(join(ledger, SNAPSHOT_FILE), { force: true });
    assert.equal(existsSync(join(ledger, SNAPSHOT_FILE)), withState);
    const out = octant(['boot', '--exit-when-ready']);
    assertClean(out, `boot round ${round} (${withState ? 'with' : 'without'} ${SNAPSHOT_FILE})`);
    assert.match(out.stdout, /system ready/);
    // The boot leaves a fresh ledger.state behind either way.
    assert.ok(existsSync(join(ledger, SNAPSHOT_FILE)));
  }
  // And the ledger it left verifies (the boot appended its own entries).
  assertClean(octant(['ledger', 'verify']), 'verify after the boots');
});

test('as PID 1, a restart after kill -9 takes over the lock file naming pid 1 (its own pid), boots and records it', { skip: skip ?? pid1Skip() }, async () => {
  const state = join(root, 'pid1');
  const boot = async (): Promise<RunningInit> => {
    const init = new RunningInit([...AS_PID1, built, '--root', state, 'init'], {}, 'stderr');
    try {
      await init.waitFor((l) => l.msg === 'booted', 'booted');
    } catch (error) {
      init.kill();
      throw error;
    }
    return init;
  };
  const first = await boot();
  process.kill(first.nsInitPid(), 'SIGKILL');
  await first.exited;
  const lockFile = join(state, 'lib', 'ledger', LOCK_FILE);
  assert.equal((JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid, 1, 'the crashed run left its lock file');
  const second = await boot();
  try {
    process.kill(second.nsInitPid(), 'SIGTERM');
    assert.equal(await second.exited, 0);
  } finally {
    second.kill();
  }
  const takeovers = readLedger(join(state, 'lib', 'ledger'), { keepEntries: true }).replay.entries.filter((e) => e.action === 'ledger.lock-takeover');
  assert.deepEqual(takeovers.map((e) => [e.detail.previousPid, e.detail.reason]), [[1, 'own pid']]);
  assert.equal(existsSync(lockFile), false, 'a clean stop removes the lock file');
});
