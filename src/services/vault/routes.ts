// Admin API routes of the vault (endpoints.ts), mounted under /v1/vault/ on
// the admin socket (mode 0600, root only). The CLI uses them when a system
// runs. Replies carry metadata only, except POST /reveal (`octant vault
// get`), which answers only with the passphrase given again.
// Bodies are checked against the endpoints' schemas before a handler runs.

import { OctantError, EXIT } from '../../lib/errors.ts';
import { route } from '../../lib/http/route.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { Vault } from './vault.ts';
import type { LedgerApi } from '../ledger/api.ts';
import type { UnsealInput } from './types.ts';
import { validateRule } from './inject.ts';
import { VAULT_API } from './endpoints.ts';

const base64 = (value: string): Buffer => Buffer.from(value, 'base64');

function unsealInput(body: { passphrase?: string; keyFile?: string; shares?: string[] }): UnsealInput {
  if (body.passphrase !== undefined) return { passphrase: base64(body.passphrase) };
  if (body.keyFile !== undefined) return { keyFile: body.keyFile };
  if (body.shares !== undefined) return { shares: body.shares };
  throw new OctantError('E_USAGE', "vault /unseal: expected 'passphrase', 'keyFile' or 'shares'", { exit: EXIT.usage });
}

/** Routes over the running vault; `init` creates the file beside it (the running vault reads it at unseal). */
export function vaultRoutes(vault: Vault, file: string, ledger: LedgerApi): AdminRoutes {
  return [
    route(VAULT_API.init, async ({ body }) => {
      const passphrase = base64(body.passphrase);
      try {
        const { shares } = await Vault.init({ file, ledger }, { passphrase, ...(body.keyFile !== undefined ? { keyFile: body.keyFile } : {}), ...(body.shamir !== undefined ? { shamir: body.shamir } : {}) });
        return { shares };
      } finally {
        passphrase.fill(0);
      }
    }),
    route(VAULT_API.status, () => vault.status()),
    route(VAULT_API.reveal, async ({ body }) => {
      const passphrase = base64(body.passphrase);
      try {
        const value = await vault.reveal(body.name, passphrase);
        const reply = { value: value.toString('base64') };
        value.fill(0);
        return reply;
      } finally {
        passphrase.fill(0);
      }
    }),
    route(VAULT_API.unseal, async ({ body }) => {
      const input = unsealInput(body);
      try {
        await vault.unseal(input);
      } finally {
        if ('passphrase' in input) input.passphrase.fill(0);
      }
      return vault.status();
    }),
    route(VAULT_API.seal, async () => {
      await vault.seal();
      return vault.status();
    }),
    route(VAULT_API.list, () => vault.list()),
    route(VAULT_API.put, async ({ body }) => {
      const value = base64(body.value);
      try {
        return await vault.put(body.name, value, validateRule(body.rule));
      } finally {
        value.fill(0);
      }
    }),
    route(VAULT_API.rotate, async ({ body }) => {
      const value = base64(body.value);
      try {
        return await vault.rotate(body.name, value);
      } finally {
        value.fill(0);
      }
    }),
    route(VAULT_API.remove, async ({ body }) => {
      await vault.remove(body.name, body.version);
      return { removed: body.name };
    }),
    route(VAULT_API.grant, ({ body }) => vault.grant(body.name, body.principal)),
    route(VAULT_API.revoke, ({ body }) => vault.revoke(body.name, body.principal)),
  ];
}
