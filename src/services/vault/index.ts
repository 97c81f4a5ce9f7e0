// The vault service: boots after the ledger, sealed unless a key file is
// configured (services.vault.keyFile in octant.yaml). Other services get its
// VaultApi through ctx.deps.vault; the operator reaches it through the admin
// routes in routes.ts. See docs/vault.md.

import { existsSync } from 'node:fs';
import { disableCoreDumps, setNotDumpable } from '../../kernel/libc.ts';
import type { ServiceDefinition } from '../../runtime/supervisor/service.ts';
import type { LedgerApi } from '../ledger/types.ts';
import { vaultFile } from './store.ts';
import { Vault } from './vault.ts';
import { vaultRoutes } from './routes.ts';
import type { VaultApi } from './types.ts';

export type { VaultApi } from './types.ts';

/** No core dump of a process that holds vault keys; fail closed if that cannot be ensured. */
export function protectProcessMemory(): void {
  disableCoreDumps();
  setNotDumpable();
}

export const vaultService: ServiceDefinition<VaultApi> = {
  name: 'vault',
  needs: ['ledger'],
  configSchema: {
    type: 'object',
    properties: {
      // A file of 64 hex digits (mode 0600) created by `octant vault init --key-file`.
      keyFile: { type: 'string' },
    },
  },
  async start(ctx) {
    protectProcessMemory();
    const ledger = ctx.deps.ledger as LedgerApi;
    const file = vaultFile(ctx.paths);
    const vault = new Vault({ file, ledger });
    const keyFile = ctx.config.keyFile;
    if (typeof keyFile === 'string' && existsSync(file)) await vault.unseal({ keyFile });
    return {
      api: vault,
      routes: vaultRoutes(vault, file, ledger),
      health: () => {
        const s = vault.status();
        return { ok: true, detail: !s.initialized ? 'not initialized' : s.sealed ? 'sealed' : `unsealed, ${s.secrets} secrets, ${s.tokens} tokens` };
      },
      async stop() {
        // Seal on the way down; the keys are wiped even if the ledger is gone.
        try {
          if (!vault.sealed()) await vault.seal();
        } finally {
          vault.wipeKeys();
        }
      },
    };
  },
};

// Redaction is plain computation other layers may run themselves (a test's
// fake vault, a router without a vault).
export { pushSliced, Redactor, REDACTED } from './redact.ts';
