// The vault file: <state>/vault/vault.json (format in docs/vault.md "File").
// Written atomically (temp file, fsync, rename, fsync of the directory), so a
// crash leaves either the old or the new vault, never half of one. Only
// ciphertexts, wrapped keys and metadata are in it; never a plaintext.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { OctantError, EXIT, messageOf } from '../../lib/errors.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { Box, KdfParams } from './crypto.ts';
import type { InjectionRule } from './types.ts';
import { validateRule, NAME_RE } from './inject.ts';

export const FORMAT = 'octant-vault';

export interface VersionRecord {
  version: number;
  created: string;
  /** The data key wrapped by the master key; null once destroyed. */
  key: Box | null;
  /** The value under the data key; null once destroyed. */
  value: Box | null;
}

export interface SecretRecord {
  current: number;
  rule: InjectionRule;
  /** Principals allowed to use the secret: 'agent:<AID>' or 'manifest:<name>'. */
  grants: string[];
  versions: VersionRecord[];
  /** HMAC-SHA-256 of the metadata under a subkey of the master key (vault.ts). */
  mac: string;
}

export interface VaultFile {
  format: typeof FORMAT;
  version: 1;
  kdf: KdfParams;
  unlock: {
    passphrase: Box;
    keyfile?: Box;
    shamir?: { shares: number; threshold: number };
  };
  /** A known value under the master key: verifies a key from shares or a key file. */
  check: Box;
  secrets: Record<string, SecretRecord>;
}

export function vaultFile(paths: Paths): string {
  return join(paths.state, 'vault', 'vault.json');
}

function corrupt(file: string, where: string): OctantError {
  return new OctantError('E_VAULT_CORRUPT', `${file}: ${where}`, {
    hint: 'the vault file is damaged; restore it from a backup',
    detail: { file },
  });
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkBox(file: string, where: string, v: unknown): Box {
  const b = v as Record<string, unknown>;
  if (typeof b !== 'object' || b === null) throw corrupt(file, `${where}: expected a ciphertext object`);
  for (const k of ['iv', 'ct', 'tag']) {
    if (typeof b[k] !== 'string' || !B64.test(b[k] as string)) throw corrupt(file, `${where}.${k}: expected base64`);
  }
  return { iv: b.iv as string, ct: b.ct as string, tag: b.tag as string };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** Check the structure of a parsed file; anything off is E_VAULT_CORRUPT naming the field. */
export function checkVaultFile(file: string, v: unknown): VaultFile {
  if (!isObject(v) || v.format !== FORMAT || v.version !== 1) throw corrupt(file, 'format: not an octant vault of version 1');
  const kdf = v.kdf as Record<string, unknown>;
  if (!isObject(kdf) || kdf.alg !== 'argon2id' || !positiveInt(kdf.passes) || !positiveInt(kdf.memoryKiB)
    || !positiveInt(kdf.parallelism) || typeof kdf.salt !== 'string' || Buffer.from(kdf.salt, 'base64').length < 16) {
    throw corrupt(file, 'kdf: expected argon2id parameters with a 16-byte salt');
  }
  const unlock = v.unlock as Record<string, unknown>;
  if (!isObject(unlock)) throw corrupt(file, 'unlock: expected an object');
  checkBox(file, 'unlock.passphrase', unlock.passphrase);
  if (unlock.keyfile !== undefined) checkBox(file, 'unlock.keyfile', unlock.keyfile);
  if (unlock.shamir !== undefined) {
    const s = unlock.shamir as Record<string, unknown>;
    if (!isObject(s) || !positiveInt(s.shares) || !positiveInt(s.threshold)) throw corrupt(file, 'unlock.shamir: expected shares and threshold');
  }
  checkBox(file, 'check', v.check);
  if (!isObject(v.secrets)) throw corrupt(file, 'secrets: expected an object');
  for (const [name, rec] of Object.entries(v.secrets)) {
    const at = `secrets.${name}`;
    if (!NAME_RE.test(name)) throw corrupt(file, `${at}: not a valid secret name`);
    if (!isObject(rec) || !positiveInt(rec.current) || typeof rec.mac !== 'string' || !Array.isArray(rec.grants)
      || !rec.grants.every((g) => typeof g === 'string') || !Array.isArray(rec.versions)) {
      throw corrupt(file, `${at}: expected current, rule, grants, versions and mac`);
    }
    try {
      validateRule(rec.rule);
    } catch (error) {
      throw corrupt(file, `${at}.rule: ${messageOf(error)}`);
    }
    rec.versions.forEach((ver: unknown, i: number) => {
      if (!isObject(ver) || !positiveInt(ver.version) || typeof ver.created !== 'string') throw corrupt(file, `${at}.versions[${i}]: expected version and created`);
      if (ver.key !== null) checkBox(file, `${at}.versions[${i}].key`, ver.key);
      if (ver.value !== null) checkBox(file, `${at}.versions[${i}].value`, ver.value);
    });
  }
  return v as unknown as VaultFile;
}

/** Read and check the vault file; E_VAULT_UNINITIALIZED when there is none. */
export function readVaultFile(file: string): VaultFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new OctantError('E_VAULT_UNINITIALIZED', `${file}: no vault here`, { exit: EXIT.unavailable, hint: "run 'octant vault init'" });
    }
    throw new OctantError('E_VAULT_READ', `${file}: cannot read the vault: ${messageOf(error)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw corrupt(file, 'not valid JSON');
  }
  return checkVaultFile(file, parsed);
}

export function writeVaultFile(file: string, vault: VaultFile): void {
  writeFileAtomic(file, `${JSON.stringify(vault, null, 1)}\n`);
}
