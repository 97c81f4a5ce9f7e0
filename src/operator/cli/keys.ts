// octant keys: the trusted operator key set (agent/manifest/trust.ts).
// Only manifests signed by a key in this set, and not revoked, may run.

import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { boolFlag, parseCommandArgs, requirePositional, stringFlag } from '../../lib/args.ts';
import { EXIT, OctantError, messageOf, usageError } from '../../lib/errors.ts';
import { writeJson } from '../../lib/io.ts';
import { resolvePaths } from '../../runtime/paths.ts';
import { addTrustedKey, generateOperatorKey, loadTrustStore, revokeTrustedKey } from '../../agent/manifest/index.ts';
import { publicKeyFromRaw } from '../../agent/manifest/sign.ts';
import type { Command, CommandContext } from './command.ts';
import { pickSubcommand } from './subcommand.ts';

const USAGE = [
  'octant [--root DIR] keys <subcommand> ...',
  '  generate [--name N] [--out FILE] [--no-trust]   new Ed25519 operator key; private key written 0600',
  '                                  (default etc/keys/private/N.key) and its public key trusted',
  '  add FILE --name N               trust a public key (PEM, or base64 of the raw 32 bytes)',
  '  list [--json]                   the trusted keys, revoked ones marked',
  '  revoke ID|NAME [--reason TEXT]  revoke a key: manifests it signed stop verifying',
  'The key set is sealed by the machine key; a modified set is refused (E_KEYS_TAMPERED).',
].join('\n');

function readPublicKey(path: string): KeyObject {
  let text: string;
  try { text = readFileSync(path, 'utf8').trim(); } catch (error) {
    throw new OctantError('E_KEYS_READ', `${path}: ${messageOf(error)}`, { exit: EXIT.unavailable });
  }
  try {
    return text.startsWith('-----BEGIN') ? createPublicKey(text) : publicKeyFromRaw(Buffer.from(text, 'base64'));
  } catch (error) {
    throw new OctantError('E_KEYS_FORMAT', `${path}: not an Ed25519 public key (${messageOf(error)})`, { exit: EXIT.usage });
  }
}

type Sub = (argv: string[], ctx: CommandContext) => number;

const SUBCOMMANDS: Readonly<Record<string, Sub>> = {
  generate(argv, { io, rootFlag }) {
    const p = parseCommandArgs('keys generate', argv, { name: { type: 'string' }, out: { type: 'string' }, 'no-trust': { type: 'boolean' } }, false);
    const paths = resolvePaths({ rootFlag, env: io.env });
    const name = stringFlag(p, 'name') ?? 'operator';
    const out = stringFlag(p, 'out');
    const key = generateOperatorKey(paths, name, out === undefined ? undefined : resolve(io.cwd, out));
    if (!boolFlag(p, 'no-trust')) addTrustedKey(paths, createPublicKey(readFileSync(key.privatePath)), name);
    io.stdout.write(`key id      ${key.keyId}\nprivate key ${key.privatePath} (mode 600)\ntrusted     ${boolFlag(p, 'no-trust') ? 'no' : 'yes'}\n${key.publicPem}`);
    return EXIT.ok;
  },
  add(argv, { io, rootFlag }) {
    const p = parseCommandArgs('keys add', argv, { name: { type: 'string' } });
    const file = resolve(io.cwd, requirePositional(p, 0, 'FILE (a public key)', 'keys add'));
    const name = stringFlag(p, 'name');
    if (name === undefined) throw usageError('keys add: --name N is required');
    const entry = addTrustedKey(resolvePaths({ rootFlag, env: io.env }), readPublicKey(file), name);
    io.stdout.write(`trusted ${entry.keyId} as ${entry.name}\n`);
    return EXIT.ok;
  },
  list(argv, { io, rootFlag }) {
    const p = parseCommandArgs('keys list', argv, { json: { type: 'boolean' } }, false);
    const store = loadTrustStore(resolvePaths({ rootFlag, env: io.env }));
    if (boolFlag(p, 'json')) { writeJson(io.stdout, store.keys); return EXIT.ok; }
    if (store.keys.length === 0) io.stdout.write("no trusted keys (nothing verifies); add one with 'octant keys generate'\n");
    for (const k of store.keys) {
      io.stdout.write(`${k.keyId}  ${k.name.padEnd(16)}  added ${k.addedAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}${k.reason ? ` (${k.reason})` : ''}` : ''}\n`);
    }
    return EXIT.ok;
  },
  revoke(argv, { io, rootFlag }) {
    const p = parseCommandArgs('keys revoke', argv, { reason: { type: 'string' } });
    const id = requirePositional(p, 0, 'ID or NAME', 'keys revoke');
    const entry = revokeTrustedKey(resolvePaths({ rootFlag, env: io.env }), id, stringFlag(p, 'reason') ?? 'revoked by the operator');
    io.stdout.write(`revoked ${entry.keyId} (${entry.name})\n`);
    return EXIT.ok;
  },
};

export const command: Command = {
  name: 'keys',
  summary: 'generate, add, list and revoke trusted operator signing keys',
  usage: USAGE,
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    return pickSubcommand('keys', sub, SUBCOMMANDS)(rest, ctx);
  },
};
