// The key that signs this machine's ledger checkpoints: the machine identity
// (runtime/identity.ts). Its note key name doubles as the checkpoint origin,
// so a checkpoint names the log it belongs to.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OctantError } from '../../lib/errors.ts';
import { identityDir, loadOrCreateIdentity } from '../../runtime/identity.ts';
import type { Paths } from '../../runtime/paths.ts';
import { formatVerifierKey, type NoteSigner, type NoteVerifier } from './note.ts';

export function ledgerOrigin(fingerprint: string): string {
  return `octant/${fingerprint.slice(0, 16)}/ledger`;
}

/** The log's verifier key as `ledger verify --key` takes it (<origin>+<hex key hash>+<base64 key>). */
export function ledgerVerifierKey(identity: { fingerprint: string; publicKeyRaw: Buffer }): string {
  return formatVerifierKey({ name: ledgerOrigin(identity.fingerprint), publicKeyRaw: identity.publicKeyRaw });
}

export function machineSigner(paths: Paths): NoteSigner {
  const id = loadOrCreateIdentity(paths);
  return { name: ledgerOrigin(id.fingerprint), publicKeyRaw: id.publicKeyRaw, sign: (data) => id.sign(data) };
}

/** The public half only (read from identity.json), for offline verification. */
export function machineVerifier(paths: Paths): NoteVerifier {
  const file = join(identityDir(paths), 'identity.json');
  let record: { fingerprint?: unknown; publicKey?: unknown };
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as typeof record;
  } catch (error) {
    throw new OctantError('E_LEDGER_NO_IDENTITY', `${file}: cannot read the machine identity (${(error as Error).message})`, {
      exit: 3,
      hint: "pass the log's verifier key with --key",
    });
  }
  if (typeof record.fingerprint !== 'string' || typeof record.publicKey !== 'string') {
    throw new OctantError('E_LEDGER_NO_IDENTITY', `${file}: fingerprint or publicKey missing`);
  }
  return { name: ledgerOrigin(record.fingerprint), publicKeyRaw: Buffer.from(record.publicKey, 'base64') };
}
