import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootLayout } from '../../runtime/paths.ts';
import { silentLogger } from '../../runtime/log.ts';
import { machineVerifier } from './log-key.ts';
import { listCheckpoints, openCheckpoint } from './checkpoint.ts';
import { ledgerDir, ledgerService, openLedger } from './api.ts';

function root(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'octant-ledger-svc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the service needs nothing, appends durably and publishes checkpoints on its interval', async (t) => {
  const paths = rootLayout(root(t));
  assert.equal(ledgerService.name, 'ledger');
  assert.deepEqual(ledgerService.needs, []);
  const running = await ledgerService.start({ paths, config: { checkpointIntervalMs: 20 }, log: silentLogger, deps: {}, signal: new AbortController().signal });
  const entry = await running.api.append({ agent: 'system', lineage: [], kind: 'system', action: 'boot', target: '', decision: 'info', detail: {} });
  assert.equal(entry.seq, 0);
  assert.equal(running.api.size(), 1);
  // Wait for the interval (no timing assertion: poll until it has published
  // the one entry; a tick before the append may have published the empty log).
  const latest = () => listCheckpoints(ledgerDir(paths)).at(-1);
  for (let i = 0; i < 2000 && latest()?.size !== 1; i++) await sleep(10);
  const stored = latest();
  assert.ok(stored !== undefined);
  assert.equal(openCheckpoint(stored.note, machineVerifier(paths)).size, 1);
  assert.deepEqual(await running.health(), { ok: true, detail: '1 entries' });
  const onDemand = await running.api.checkpoint();
  assert.equal(onDemand.size, 1);
  await running.stop();
  // openLedger works once the service let go of the lock.
  const ledger = await openLedger(paths);
  assert.equal((await ledger.append({ agent: 'system', lineage: [], kind: 'manifest', action: 'validate', target: 'x.yaml', decision: 'deny', detail: {} })).seq, 1);
  await ledger.close();
});

test('a bad interval is refused naming the config field, before the service starts', async () => {
  const { configFromValue } = await import('../../runtime/config.ts');
  assert.throws(
    () => configFromValue({ services: { ledger: { checkpointIntervalMs: -1 } } }, 'octant.yaml', [ledgerService], true),
    (e: Error & { code?: string }) => e.code === 'E_CONFIG' && /services\.ledger\.checkpointIntervalMs/.test(e.message),
  );
  // The twin: 0 (checkpoints on demand only) is a valid interval.
  assert.equal(configFromValue({ services: { ledger: { checkpointIntervalMs: 0 } } }, 'octant.yaml', [ledgerService], true).services.ledger!.checkpointIntervalMs, 0);
});

test('openLedger is refused while the service holds the writer lock', async (t) => {
  const paths = rootLayout(root(t));
  const running = await ledgerService.start({ paths, config: { checkpointIntervalMs: 0 }, log: silentLogger, deps: {}, signal: new AbortController().signal });
  await assert.rejects(openLedger(paths), { code: 'E_LEDGER_LOCKED' });
  await running.stop();
});

test('the ledger declares its configuration: checkpointIntervalMs is accepted (as docs/foundation.md shows it), a misspelt key is refused naming it', async () => {
  const { configFromValue } = await import('../../runtime/config.ts');
  const ok = configFromValue({ services: { ledger: { checkpointIntervalMs: 60000 } } }, 'octant.yaml', [ledgerService], true);
  assert.equal((ok.services.ledger as { checkpointIntervalMs: number }).checkpointIntervalMs, 60000);
  assert.throws(() => configFromValue({ services: { ledger: { checkpointIntervalM: 1 } } }, 'octant.yaml', [ledgerService], true), /services\.ledger\.checkpointIntervalM: unknown key \(known: checkpointIntervalMs\)/);
  assert.throws(() => configFromValue({ services: { ledger: { checkpointIntervalMs: -5 } } }, 'octant.yaml', [ledgerService], true), /checkpointIntervalMs/);
});
