// Crash recovery with a real kill -9 of a child process in the middle of
// appends: every seq the child saw acknowledged must survive, and a torn
// tail (if the kill landed inside a write) is cut and recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LedgerStore } from './store.ts';
import { readLedger } from './read.ts';
import { verifyLedgerDir } from './verify.ts';

const child = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'crash-appender.ts');

/** Run the appender until it has acknowledged `acks` entries, then SIGKILL it. */
function runAndKill(dir: string, acks: number, concurrency: number, pad: number, tear: boolean): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    const args = [child, dir, String(concurrency), String(pad), String(tear ? acks : 0)];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<number, number>();
    let buffered = '';
    let stderr = '';
    let killed = false;
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      let torn = false;
      for (const line of lines) {
        if (line === 'torn') torn = true;
        const [seq, n] = line.split(' ').map(Number);
        if (!torn) acked.set(seq!, n!);
      }
      if (!killed && (tear ? torn : acked.size >= acks)) {
        killed = true;
        proc.kill('SIGKILL');
      }
    });
    proc.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`appender exited without being killed: ${stderr}`));
    });
  });
}

test('kill -9 mid-append: every acknowledged entry survives, the torn tail is repaired and recorded', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-ledger-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let torn = 0;
  let total = 0;
  // Rounds 1-2 kill at whatever point the appends have reached; round 3's
  // child leaves half a record at the end first, as a write cut short does.
  for (const [acks, pad, tear] of [[200, 100, false], [150, 20_000, false], [120, 100, true]] as const) {
    const acked = await runAndKill(dir, acks, 64, pad, tear);
    const before = readLedger(dir);
    if (tear) assert.equal(before.scan.problem?.kind, 'torn');
    if (before.scan.problem !== undefined) {
      assert.equal(before.scan.problem.kind, 'torn', before.scan.problem.reason);
      torn++;
    }
    const store = await LedgerStore.open(dir); // recovers (and takes over the dead child's lock)
    await store.close();
    const after = readLedger(dir, { keepEntries: true });
    assert.equal(after.scan.problem, undefined);
    for (const [seq, n] of acked) {
      const entry = after.replay.entries[seq];
      assert.ok(entry !== undefined, `acknowledged seq ${seq} is missing`);
      assert.equal(entry.detail.n, n, `seq ${seq} holds another entry`);
    }
    const recoveries = after.replay.entries.filter((e) => e.action === 'ledger.recover');
    assert.equal(recoveries.length, torn, 'one recovery entry per torn tail');
    if (tear) assert.equal(recoveries.at(-1)!.detail.droppedBytes, 100);
    total += acked.size;
  }
  assert.ok(torn >= 1);
  assert.equal(verifyLedgerDir(dir).ok, true);
  t.diagnostic(`${total} acknowledged entries over 3 kills, ${torn} torn tail(s) repaired`);
});
