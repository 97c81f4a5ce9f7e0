// Turning an unseal input (passphrase, key file, Shamir shares) into the
// master key, with one distinct error per way it can fail. Every transient
// key buffer is wiped before returning.

import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { OctantError, EXIT, messageOf } from '../../lib/errors.ts';
import { aad, deriveKek, open, randomKey, wipe, KEY_BYTES, type Box } from './crypto.ts';
import { combine, decodeShare } from './shamir.ts';
import type { VaultFile } from './store.ts';
import type { UnsealInput } from './types.ts';

const CHECK_TEXT = 'octant-vault check';
export const checkPlaintext = (): Buffer => Buffer.from(CHECK_TEXT, 'utf8');

export function keyFileError(file: string, message: string, hint?: string): OctantError {
  return new OctantError('E_VAULT_KEYFILE', `${file}: ${message}`, { exit: EXIT.denied, hint, detail: { file } });
}

/** A key file holds 32 random bytes as 64 hex digits; group and others may not read it. */
export function readKeyFile(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw keyFileError(file, `cannot open the key file: ${messageOf(error)}`);
  }
  try {
    if ((fstatSync(fd).mode & 0o077) !== 0) throw keyFileError(file, 'group or others can read the key file', `chmod 600 ${file}`);
    const text = readFileSync(fd, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) throw keyFileError(file, 'expected 64 hex digits (a 32-byte key)');
    return Buffer.from(text, 'hex');
  } finally {
    closeSync(fd);
  }
}

/** Create a new key file (mode 0600; refuses to overwrite one). Returns the key. */
export function createKeyFile(file: string): Buffer {
  const key = randomKey();
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    key.fill(0);
    throw keyFileError(file, `cannot create the key file: ${messageOf(error)}`);
  }
  try {
    writeSync(fd, `${key.toString('hex')}\n`);
  } finally {
    closeSync(fd);
  }
  return key;
}

function unwrapMaster(kek: Buffer, box: Box, method: string): Buffer | null {
  const master = open(kek, box, aad.master(method));
  if (master !== null && master.length !== KEY_BYTES) {
    master.fill(0);
    return null;
  }
  return master;
}

/** The master key from an unseal input, or the error that says which input was wrong. */
export async function masterFromInput(vault: VaultFile, input: UnsealInput): Promise<Buffer> {
  let master: Buffer | null;
  let failure: OctantError;
  if ('passphrase' in input) {
    const kek = await deriveKek(input.passphrase, vault.kdf);
    master = unwrapMaster(kek, vault.unlock.passphrase, 'passphrase');
    wipe(kek);
    failure = new OctantError('E_VAULT_PASSPHRASE', 'vault: wrong passphrase', { exit: EXIT.denied });
  } else if ('keyFile' in input) {
    if (vault.unlock.keyfile === undefined) throw keyFileError(input.keyFile, 'this vault has no key-file unlock', "initialize with 'octant vault init --key-file PATH'");
    const key = readKeyFile(input.keyFile);
    master = unwrapMaster(key, vault.unlock.keyfile, 'keyfile');
    wipe(key);
    failure = keyFileError(input.keyFile, 'this key file does not unlock the vault');
  } else {
    const policy = vault.unlock.shamir;
    if (policy === undefined) throw new OctantError('E_VAULT_SHARE', 'vault: this vault has no Shamir unseal', { exit: EXIT.usage });
    if (input.shares.length < policy.threshold) {
      throw new OctantError('E_VAULT_SHARE', `vault: ${input.shares.length} share(s) given, ${policy.threshold} needed`, { exit: EXIT.usage });
    }
    const shares = input.shares.map(decodeShare);
    master = combine(shares);
    for (const s of shares) wipe(s.y);
    if (master.length !== KEY_BYTES) {
      master.fill(0);
      master = null;
    }
    failure = new OctantError('E_VAULT_SHARE', 'vault: the shares do not reconstruct the master key', { exit: EXIT.denied });
  }
  if (master === null) throw failure;
  // The check value proves the key is the master key (for shares, the only proof).
  const check = open(master, vault.check, aad.check());
  if (check === null || !check.equals(checkPlaintext())) {
    wipe(master);
    if ('shares' in input) throw failure;
    throw new OctantError('E_VAULT_TAMPERED', 'vault: the check value does not authenticate under the master key', { exit: EXIT.denied });
  }
  return master;
}
