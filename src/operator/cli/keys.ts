// octant keys: the trusted operator key set (agent/manifest/trust.ts).
// Only manifests signed by a key in this set, and not revoked, may run.

import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { boolFlag, requirePositional, stringFlag } from '../../lib/args.ts';
import { EXIT, OctantError, messageOf, usageError } from '../../lib/errors.ts';
import { writeJson } from '../../lib/io.ts';
import { addTrustedKey, generateOperatorKey, loadTrustStore, revokeTrustedKey } from '../../agent/manifest/index.ts';
import { publicKeyFromRaw } from '../../agent/manifest/sign.ts';
import type { Action, Command } from './command.ts';

function readPublicKey(path: string): KeyObject {
  let text: string;
  try { text = readFileSync(path, 'utf8').trim(); } catch (error) {
    throw new OctantError('E_KEYS_READ', `${path}: ${messageOf(error)}`, { exit: EXIT.unavailable });
  }
  try {
    return text.startsWith('-----BEGIN') ? createPublicKey(text) : publicKeyFromRaw(Buffer.from(text, 'base64'));
  } catch (error) {
    throw new OctantError('E_KEYS_FORMAT', `${path}: not an Ed25519 public key (${messageOf(error)})`, { exit: EXIT.failure });
  }
}

const SUBCOMMANDS: readonly Action[] = [
  {
    name: 'generate',
    summary: 'a new Ed25519 operator key: private key written 0600, its public key trusted',
    options: {
      name: { type: 'string', value: 'N', help: 'the key\'s name (default operator)' },
      out: { type: 'string', value: 'FILE', help: 'where the private key goes (default etc/keys/private/N.key)' },
      'no-trust': { type: 'boolean', help: 'do not add the public key to the trusted set' },
    },
    positionals: false,
    async run(p, { io, paths: layout }) {
      const paths = layout();
      const name = stringFlag(p, 'name') ?? 'operator';
      const out = stringFlag(p, 'out');
      const key = generateOperatorKey(paths, name, out === undefined ? undefined : resolve(io.cwd, out));
      if (!boolFlag(p, 'no-trust')) addTrustedKey(paths, createPublicKey(readFileSync(key.privatePath)), name);
      io.stdout.write(`key id      ${key.keyId}\nprivate key ${key.privatePath} (mode 600)\ntrusted     ${boolFlag(p, 'no-trust') ? 'no' : 'yes'}\n${key.publicPem}`);
      return EXIT.ok;
    },
  },
  {
    name: 'add',
    summary: 'trust a public key (PEM, or base64 of the raw 32 bytes)',
    synopsis: ['FILE --name N'],
    options: { name: { type: 'string', value: 'N', help: 'the name the key is listed under (required)' } },
    async run(p, { io, paths }) {
      const file = resolve(io.cwd, requirePositional(p, 0, 'FILE (a public key)', 'keys add'));
      const name = stringFlag(p, 'name');
      if (name === undefined) throw usageError('keys add: --name N is required');
      const entry = addTrustedKey(paths(), readPublicKey(file), name);
      io.stdout.write(`trusted ${entry.keyId} as ${entry.name}\n`);
      return EXIT.ok;
    },
  },
  {
    name: 'list',
    summary: 'the trusted keys, revoked ones marked',
    options: { json: { type: 'boolean', help: 'print the keys as JSON' } },
    positionals: false,
    async run(p, { io, paths }) {
      const store = loadTrustStore(paths());
      if (boolFlag(p, 'json')) { writeJson(io.stdout, store.keys); return EXIT.ok; }
      if (store.keys.length === 0) io.stdout.write("no trusted keys (nothing verifies); add one with 'octant keys generate'\n");
      for (const k of store.keys) {
        io.stdout.write(`${k.keyId}  ${k.name.padEnd(16)}  added ${k.addedAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}${k.reason ? ` (${k.reason})` : ''}` : ''}\n`);
      }
      return EXIT.ok;
    },
  },
  {
    name: 'revoke',
    summary: 'revoke a key: manifests it signed stop verifying',
    synopsis: ['ID|NAME [--reason TEXT]'],
    options: { reason: { type: 'string', value: 'TEXT', help: 'why (recorded with the revocation)' } },
    async run(p, { io, paths }) {
      const id = requirePositional(p, 0, 'ID or NAME', 'keys revoke');
      const entry = revokeTrustedKey(paths(), id, stringFlag(p, 'reason') ?? 'revoked by the operator');
      io.stdout.write(`revoked ${entry.keyId} (${entry.name})\n`);
      return EXIT.ok;
    },
  },
];

export const command: Command = {
  name: 'keys',
  summary: 'generate, add, list and revoke trusted operator signing keys',
  subcommands: SUBCOMMANDS,
  notes: 'The key set is sealed by the machine key; a modified set is refused (E_KEYS_TAMPERED).',
};
