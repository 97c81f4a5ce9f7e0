// The vault's cryptography, kept small so it can be read in one sitting.
//
// Key hierarchy (docs/vault.md "Crypto"):
//   passphrase --Argon2id--> KEK --AES-256-GCM wrap--> master key
//   key file (32 bytes)      ------AES-256-GCM wrap--> master key
//   Shamir shares           --combine (shamir.ts)----> master key
//   master key --AES-256-GCM wrap--> data key (one per secret version)
//   data key   --AES-256-GCM-------> secret value
// Every ciphertext carries AAD naming what it is (kind, secret name, version),
// so a ciphertext moved to another name or version fails authentication.

import { argon2, createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_BYTES = 32;
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs, random per encryption
const TAG_BYTES = 16;

/** Argon2id parameters, stored with the vault so they can be raised later. */
export interface KdfParams {
  alg: 'argon2id';
  passes: number;       // t
  memoryKiB: number;    // m
  parallelism: number;  // p
  salt: string;         // base64, 16 random bytes
}

/** RFC 9106 §4, second recommended option: t=3, p=4, m=64 MiB, 128-bit salt. */
export const KDF_DEFAULTS = { passes: 3, memoryKiB: 64 * 1024, parallelism: 4 } as const;

export function newKdfParams(over: Partial<Omit<KdfParams, 'alg' | 'salt'>> = {}): KdfParams {
  return { alg: 'argon2id', ...KDF_DEFAULTS, ...over, salt: randomBytes(16).toString('base64') };
}

/** Argon2id(passphrase, salt) -> 32-byte key (RFC 9106 §3). Runs on the libuv pool. */
export function deriveKek(passphrase: Buffer, params: KdfParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2('argon2id', {
      message: passphrase,
      nonce: Buffer.from(params.salt, 'base64'),
      passes: params.passes,
      memory: params.memoryKiB,
      parallelism: params.parallelism,
      tagLength: KEY_BYTES,
    }, (error, key) => (error ? reject(error) : resolve(Buffer.from(key.buffer, key.byteOffset, key.byteLength))));
  });
}

/** An AES-256-GCM ciphertext as stored (all base64). */
export interface Box {
  iv: string;
  ct: string;
  tag: string;
}

export function randomKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** AES-256-GCM encrypt with a fresh random IV. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Box {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/**
 * AES-256-GCM decrypt. Returns null when authentication fails (wrong key,
 * tampered ciphertext, or AAD of another name/version): the caller knows
 * which of E_VAULT_PASSPHRASE / E_VAULT_TAMPERED that means.
 */
export function open(key: Buffer, box: Box, aad: string): Buffer | null {
  const iv = Buffer.from(box.iv, 'base64');
  const tag = Buffer.from(box.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  const body = decipher.update(Buffer.from(box.ct, 'base64'));
  try {
    return Buffer.concat([body, decipher.final()]);
  } catch {
    body.fill(0);
    return null;
  }
}

// AAD strings. NUL separators keep "a" + "b/c" distinct from "a/b" + "c".
const AAD_PREFIX = 'octant-vault/1';
export const aad = {
  /** The master key wrapped under an unlock method (passphrase, keyfile). */
  master: (method: string): string => `${AAD_PREFIX}\0master\0${method}`,
  /** A known value under the master key, to verify Shamir reconstruction. */
  check: (): string => `${AAD_PREFIX}\0check`,
  dataKey: (name: string, version: number): string => `${AAD_PREFIX}\0data-key\0${name}\0${version}`,
  value: (name: string, version: number): string => `${AAD_PREFIX}\0value\0${name}\0${version}`,
};

/** A purpose-bound subkey of the master key (RFC 5869 HKDF-SHA-256). */
export function subkey(master: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `octant-vault/1 ${label}`, KEY_BYTES));
}

/** HMAC-SHA-256 over the vault's metadata (rules, grants), hex. */
export function mac(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex');
}

/** Constant-time equality of two hex or binary strings of any length. */
export function equalConstantTime(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Overwrite key material we hold. (Copies made by the runtime are beyond reach: docs/vault.md "Limits".) */
export function wipe(...buffers: (Buffer | null | undefined)[]): void {
  for (const b of buffers) b?.fill(0);
}
