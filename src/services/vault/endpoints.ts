// The vault's admin endpoints, mounted under /v1/vault/ (routes.ts serves
// them; the CLI calls them with the typed admin client). Values and
// passphrases travel base64-encoded in JSON bodies.

import { endpoint } from '../../lib/http/route.ts';
import type { SecretInfo, VaultStatus } from './types.ts';

const text = { type: 'string', minLength: 1 } as const;
const named = { type: 'object', properties: { name: text }, required: ['name'] } as const;

export const VAULT_API = {
  init: endpoint<{ shares: string[] }>()({
    method: 'POST', path: '/init',
    body: { type: 'object', properties: { passphrase: text, keyFile: text, shamir: { type: 'object', properties: { shares: { type: 'integer' }, threshold: { type: 'integer' } }, required: ['shares', 'threshold'] } }, required: ['passphrase'] },
  }),
  status: endpoint<VaultStatus>()({ method: 'GET', path: '/status' }),
  /** The one route that answers with a secret: only with the passphrase given again. */
  reveal: endpoint<{ value: string }>()({ method: 'POST', path: '/reveal', body: { type: 'object', properties: { name: text, passphrase: text }, required: ['name', 'passphrase'] } }),
  /** One of passphrase, keyFile or shares. */
  unseal: endpoint<VaultStatus>()({ method: 'POST', path: '/unseal', body: { type: 'object', properties: { passphrase: text, keyFile: text, shares: { type: 'array', items: { type: 'string' } } } } }),
  seal: endpoint<VaultStatus>()({ method: 'POST', path: '/seal' }),
  list: endpoint<SecretInfo[]>()({ method: 'GET', path: '/secrets' }),
  put: endpoint<SecretInfo>()({
    method: 'POST', path: '/secrets',
    // The rule is checked by the vault's own rule validator (inject.ts) in put.
    body: { type: 'object', properties: { name: text, value: text, rule: { type: 'any' } }, required: ['name', 'value', 'rule'] },
  }),
  rotate: endpoint<SecretInfo>()({ method: 'POST', path: '/rotate', body: { type: 'object', properties: { name: text, value: text }, required: ['name', 'value'] } }),
  remove: endpoint<{ removed: string }>()({ method: 'POST', path: '/remove', body: { type: 'object', properties: { name: text, version: { type: 'integer' } }, required: ['name'] } }),
  grant: endpoint<SecretInfo>()({ method: 'POST', path: '/grant', body: { type: 'object', properties: { name: text, principal: text }, required: ['name', 'principal'] } }),
  revoke: endpoint<SecretInfo>()({ method: 'POST', path: '/revoke', body: { type: 'object', properties: { name: text, principal: text }, required: ['name', 'principal'] } }),
};
