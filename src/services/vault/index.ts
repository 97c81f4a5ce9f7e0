// The vault service: boots after the ledger, sealed unless a key file is
// configured (services.vault.keyFile in octant.yaml). When the supervisor
// restarts it because the ledger failed, an unsealed vault hands its master
// key to its next instance (ctx.keep), which unseals with it once the ledger
// is back, recording that first: a ledger failure does not leave the system
// sealed, unless services.vault.sealOnLedgerRestart is true. Other services get its
// VaultApi through ctx.deps.vault; the operator reaches it through the admin
// routes in routes.ts; other layers import it through api.ts. See docs/vault.md.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createWorkerPool, workerSource, type WorkerPool } from '../../lib/worker-pool.ts';
import { disableCoreDumps, setNotDumpable } from '../../kernel/libc.ts';
import type { ObjectSchema } from '../../runtime/config-schema.ts';
import type { ServiceDefinition } from '../../runtime/supervisor/service.ts';
import type { LedgerApi } from '../ledger/api.ts';
import { vaultFile } from './store.ts';
import { Vault, type InitOptions, type VaultOptions } from './vault.ts';
import type { Paths } from '../../runtime/paths.ts';
import { vaultRoutes } from './routes.ts';
import type { VaultApi } from './types.ts';


/**
 * The vault of a state root, sealed, for a command that runs without the
 * service (`octant vault ...` with no system up): the same Vault the
 * service runs, recording into the ledger it is given.
 */
export function openVault(paths: Paths, ledger: LedgerApi, options: Pick<VaultOptions, 'workers'> = {}): Vault {
  return new Vault({ file: vaultFile(paths), ledger, ...options });
}

/** Create the vault file of a state root (E_VAULT_EXISTS if there is one); the shares when Shamir was asked for. */
export function initVault(paths: Paths, ledger: LedgerApi, init: InitOptions): Promise<{ vault: Vault; shares: string[] }> {
  return Vault.init({ file: vaultFile(paths), ledger }, init);
}

/** No core dump of a process that holds vault keys; fail closed if that cannot be ensured. */
export function protectProcessMemory(): void {
  disableCoreDumps();
  setNotDumpable();
}

/**
 * The redaction workers: long texts (redact.ts WORKER_MIN_UNITS) are scanned
 * there, off the event loop that serves agents. One thread per core but one
 * (at least one, at most four); 64 texts may wait, one more is refused
 * (E_WORKERS_BUSY) rather than queued without limit. The secret values in
 * play go to the workers with each text: threads of this process, under the
 * same memory protections (no core dump, not dumpable).
 */
function redactionWorkers(): WorkerPool {
  return createWorkerPool({
    name: 'redaction',
    source: workerSource('vault-redact', () => new URL('./redact-worker.ts', import.meta.url)),
    threads: Math.max(1, Math.min(4, availableParallelism() - 1)),
    queueLimit: 64,
  });
}

/** Schema of services.vault in octant.yaml. */
export const VAULT_CONFIG = {
  type: 'object',
  properties: {
    // A file of 64 hex digits (mode 0600) created by `octant vault init --key-file`.
    keyFile: { type: 'string' },
    // true: a restart of the ledger seals the vault (the operator unseals again).
    sealOnLedgerRestart: { type: 'boolean' },
  },
} as const satisfies ObjectSchema;

/** The vault records every unseal, seal, grant and token in the ledger (append and seal only). */
type VaultDeps = { ledger: LedgerApi };

export const vaultService: ServiceDefinition<VaultApi, VaultDeps, typeof VAULT_CONFIG> = {
  name: 'vault',
  needs: ['ledger'],
  configSchema: VAULT_CONFIG,
  async start(ctx) {
    protectProcessMemory();
    const { ledger } = ctx.deps;
    const file = vaultFile(ctx.paths);
    const workers = redactionWorkers();
    const vault = openVault(ctx.paths, ledger, { workers });
    const keyFile = ctx.config.keyFile;
    const kept = ctx.keep?.take();
    let resumed = false;
    if (Buffer.isBuffer(kept)) {
      await vault.resume(kept, { after: 'ledger restart' });
      resumed = true;
    } else if (keyFile !== undefined && existsSync(file)) await vault.unseal({ keyFile });
    return {
      api: vault,
      routes: vaultRoutes(vault, file, ledger),
      health: () => {
        const s = vault.status();
        const kept = resumed && !s.sealed ? ' (kept unsealed across a ledger restart)' : '';
        const w = workers.stats();
        const redaction = `; redaction workers: ${w.done} done, ${w.busy} busy, ${w.queued} waiting, ${w.restarts} restarted`;
        return { ok: true, detail: (!s.initialized ? 'not initialized' : s.sealed ? 'sealed' : `unsealed${kept}, ${s.secrets} secrets, ${s.tokens} tokens`) + redaction };
      },
      async stop(reason) {
        try {
          // Stopped only because the ledger failed: the next instance unseals
          // with the same key (its entry says so). The supervisor wipes it if
          // no next instance comes (shutdown, the ledger given up).
          if (reason === 'dependency-failed' && !ctx.config.sealOnLedgerRestart && ctx.keep !== undefined) {
            const master = vault.releaseMaster();
            if (master !== undefined) ctx.keep.put(master, () => master.fill(0));
            return;
          }
          // Otherwise seal on the way down; the keys are wiped even if the ledger is gone.
          if (!vault.sealed()) await vault.seal();
        } finally {
          vault.wipeKeys();
          await workers.close();
        }
      },
    };
  },
};
