// A failed service never leaves the system weaker: when the ledger fails
// and the supervisor restarts it (and, with it, the vault that needs it), a
// vault the operator unsealed comes back unsealed, with a ledger entry that
// says why, unless services.vault.sealOnLedgerRestart asks for the old
// behaviour. `octant status` tells what happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../runtime/log.ts';
import { rootLayout, type Paths } from '../runtime/paths.ts';
import { callServed } from '../../test/support/served-routes.ts';
import type { SystemStatus } from '../runtime/admin/system-routes.ts';
import { configFile } from '../runtime/config.ts';
import type { ServiceDefinition } from '../runtime/supervisor/service.ts';
import { ledgerDir, ledgerService, readLedger } from '../services/ledger/api.ts';
import { vaultService } from '../services/vault/api.ts';
import { formatStatus } from './cli/status.ts';
import { startSystem } from './system.ts';

/** The real ledger service, plus a way to make its running instance fail (as a failed checkpoint does). */
function failableLedger(): { service: typeof ledgerService; fail(reason: string): void } {
  let trigger: ((error: Error) => void) | undefined;
  const service: typeof ledgerService = {
    ...ledgerService,
    async start(ctx) {
      const running = await ledgerService.start(ctx);
      const injected = new Promise<Error>((resolve) => { trigger = resolve; });
      return { ...running, failed: Promise.race([running.failed ?? new Promise<Error>(() => {}), injected]) };
    },
  };
  return { service, fail: (reason) => trigger?.(new Error(reason)) };
}

async function untilRestarted(paths: Paths): Promise<SystemStatus> {
  for (;;) {
    const status = await callServed<SystemStatus>(paths, 'GET', '/v1/status');
    const ledger = status.services.find((s) => s.name === 'ledger')!;
    if (ledger.restarts === 1 && status.services.every((s) => s.state === 'healthy')) return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** Boot ledger + vault, init and unseal the vault, make the ledger fail; what is there once everything is healthy again. */
async function ledgerRestartWithUnsealedVault(sealOnLedgerRestart?: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'octant-restart-'));
  const paths = rootLayout(root);
  if (sealOnLedgerRestart !== undefined) {
    mkdirSync(paths.etc, { recursive: true });
    writeFileSync(configFile(paths), `services:\n  vault:\n    sealOnLedgerRestart: ${sealOnLedgerRestart}\n`);
  }
  const ledger = failableLedger();
  const system = await startSystem({ paths, log: silentLogger, services: [ledger.service, vaultService] });
  try {
    await system.ready;
    await callServed(paths, 'POST', '/v1/vault/init', { passphrase: b64('operator passphrase') });
    await callServed(paths, 'POST', '/v1/vault/unseal', { passphrase: b64('operator passphrase') });
    ledger.fail('checkpoint failed: EMFILE');
    const status = await untilRestarted(paths);
    const vault = await callServed<{ sealed: boolean }>(paths, 'GET', '/v1/vault/status');
    return { status, sealed: vault.sealed, entries: readLedger(ledgerDir(paths), { keepEntries: true }).replay.entries };
  } finally {
    await system.stop();
    await system.stopped;
    rmSync(root, { recursive: true, force: true });
  }
}

test('a ledger restart keeps an unsealed vault unsealed, recorded first; status says what happened', async () => {
  const { status, sealed, entries } = await ledgerRestartWithUnsealedVault();
  assert.equal(sealed, false);
  const byName = new Map(status.services.map((s) => [s.name, s]));
  assert.equal(byName.get('ledger')!.reason, 'checkpoint failed: EMFILE');
  assert.match(byName.get('ledger')!.lastFailureAt ?? '', /^\d{4}-\d\d-\d\dT/);
  assert.match(byName.get('vault')!.health?.detail ?? '', /^unsealed \(kept unsealed across a ledger restart\)/);
  const text = formatStatus(status).join('\n');
  assert.match(text, /ledger: restarted 1 time\(s\); last failure at \S+: checkpoint failed: EMFILE/);
  assert.doesNotMatch(text, /^vault: restarted/m, 'the vault itself never failed');
  // The daemon's own footprint is reported (soak benches and operators read it).
  assert.ok(status.resources.rss > 0 && status.resources.heapUsed > 0 && status.resources.openFiles > 0);
  assert.match(text, /^memory: rss \d+\.\d MiB, JS heap .* \d+ open descriptors$/m);
  // The restarted vault recorded its unseal (method restart) before it served anything; nothing sealed it.
  assert.deepEqual(entries.filter((e) => e.action === 'vault.unseal').map((e) => e.detail), [{ method: 'passphrase' }, { method: 'restart', after: 'ledger restart' }]);
  assert.equal(entries.filter((e) => e.action === 'vault.seal').length, 0);
});

test('with services.vault.sealOnLedgerRestart: true the same restart seals the vault (the twin)', async () => {
  const { sealed, entries } = await ledgerRestartWithUnsealedVault(true);
  assert.equal(sealed, true);
  assert.deepEqual(entries.filter((e) => e.action === 'vault.unseal').map((e) => e.detail), [{ method: 'passphrase' }]);
});
