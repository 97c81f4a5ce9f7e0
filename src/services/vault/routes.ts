// Admin API routes of the vault, mounted under /v1/vault/ on the admin
// socket (mode 0600, root only). The CLI uses them when a system runs.
// Replies carry metadata only, except POST /reveal (`octant vault get`),
// which answers only with the passphrase given again.
// Values and passphrases arrive base64-encoded in JSON bodies.

import { OctantError, EXIT } from '../../lib/errors.ts';
import type { AdminRequest, AdminRoutes } from '../../runtime/admin/types.ts';
import { Vault, type InitOptions } from './vault.ts';
import type { LedgerApi } from '../ledger/api.ts';
import type { InjectionRule, UnsealInput } from './types.ts';

function field(request: AdminRequest, name: string): unknown {
  const body = request.body;
  if (typeof body !== 'object' || body === null) throw new OctantError('E_USAGE', `vault ${request.path}: expected a JSON object body`, { exit: EXIT.usage });
  return (body as Record<string, unknown>)[name];
}

function text(request: AdminRequest, name: string): string {
  const v = field(request, name);
  if (typeof v !== 'string' || v === '') throw new OctantError('E_USAGE', `vault ${request.path}: '${name}' must be a non-empty string`, { exit: EXIT.usage });
  return v;
}

function bytes(request: AdminRequest, name: string): Buffer {
  return Buffer.from(text(request, name), 'base64');
}

function unsealInput(request: AdminRequest): UnsealInput {
  if (field(request, 'passphrase') !== undefined) return { passphrase: bytes(request, 'passphrase') };
  if (field(request, 'keyFile') !== undefined) return { keyFile: text(request, 'keyFile') };
  const shares = field(request, 'shares');
  if (!Array.isArray(shares) || !shares.every((s) => typeof s === 'string')) {
    throw new OctantError('E_USAGE', "vault /unseal: expected 'passphrase', 'keyFile' or 'shares'", { exit: EXIT.usage });
  }
  return { shares };
}

function initOptions(request: AdminRequest): InitOptions {
  const keyFile = field(request, 'keyFile');
  const shamir = field(request, 'shamir') as { shares?: unknown; threshold?: unknown } | undefined;
  if (keyFile !== undefined && typeof keyFile !== 'string') throw new OctantError('E_USAGE', "vault /init: 'keyFile' must be a path", { exit: EXIT.usage });
  return {
    passphrase: bytes(request, 'passphrase'),
    ...(keyFile !== undefined ? { keyFile } : {}),
    ...(shamir !== undefined ? { shamir: { shares: Number(shamir.shares), threshold: Number(shamir.threshold) } } : {}),
  };
}

/** Routes over the running vault; `init` creates the file beside it (the running vault reads it at unseal). */
export function vaultRoutes(vault: Vault, file: string, ledger: LedgerApi): AdminRoutes {
  return {
    'POST /init': async (request) => {
      const options = initOptions(request);
      try {
        const { shares } = await Vault.init({ file, ledger }, options);
        return { body: { shares } };
      } finally {
        options.passphrase.fill(0);
      }
    },
    'GET /status': () => ({ body: vault.status() }),
    'POST /reveal': async (request) => {
      const passphrase = bytes(request, 'passphrase');
      try {
        const value = await vault.reveal(text(request, 'name'), passphrase);
        const body = { value: value.toString('base64') };
        value.fill(0);
        return { body };
      } finally {
        passphrase.fill(0);
      }
    },
    'POST /unseal': async (request) => {
      const input = unsealInput(request);
      try {
        await vault.unseal(input);
      } finally {
        if ('passphrase' in input) input.passphrase.fill(0);
      }
      return { body: vault.status() };
    },
    'POST /seal': async () => {
      await vault.seal();
      return { body: vault.status() };
    },
    'GET /secrets': () => ({ body: vault.list() }),
    'POST /secrets': async (request) => {
      const value = bytes(request, 'value');
      try {
        return { body: await vault.put(text(request, 'name'), value, field(request, 'rule') as InjectionRule) };
      } finally {
        value.fill(0);
      }
    },
    'POST /rotate': async (request) => {
      const value = bytes(request, 'value');
      try {
        return { body: await vault.rotate(text(request, 'name'), value) };
      } finally {
        value.fill(0);
      }
    },
    'POST /remove': async (request) => {
      const version = field(request, 'version');
      if (version !== undefined && !Number.isInteger(version)) throw new OctantError('E_USAGE', "vault /remove: 'version' must be an integer", { exit: EXIT.usage });
      await vault.remove(text(request, 'name'), version as number | undefined);
      return { body: { removed: text(request, 'name') } };
    },
    'POST /grant': async (request) => ({ body: await vault.grant(text(request, 'name'), text(request, 'principal')) }),
    'POST /revoke': async (request) => ({ body: await vault.revoke(text(request, 'name'), text(request, 'principal')) }),
  };
}
