// Machine identity: an Ed25519 key generated on first use (file mode 0600)
// and a record binding it to stable host facts (/etc/machine-id).
// The key signs ledger checkpoints; its fingerprint names the machine.
//
// On a system install (the machine's own /etc/octant) with a TPM 2.0
// (/dev/tpmrm0), the key is created sealed to the TPM instead
// (kernel/tpm2.ts): machine.key.tpm holds the 32-byte Ed25519 seed as a
// TPM sealed data object that only this TPM can unseal, and no plaintext
// key is ever written. A data disk cloned or moved to another machine
// carries the sealed key, which that machine's TPM refuses to load: the
// identity fails with E_IDENTITY_CLONED instead of running as this machine.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { writeFileAtomic } from '../lib/atomic-file.ts';
import { rawPublicKey } from '../lib/raw-public-key.ts';
import { OctantError, isOctantError } from '../lib/errors.ts';
import { openTpm, TPM_DEVICE, type SealedBlob } from '../kernel/tpm2.ts';
import type { Paths } from './paths.ts';

export interface MachineIdentity {
  /** SHA-256 of the raw 32-byte public key, hex. */
  fingerprint: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  /** Raw 32-byte Ed25519 public key. */
  publicKeyRaw: Buffer;
  machineId: string;
  hostname: string;
  createdAt: string;
  /** Present when the key is sealed to a TPM: the TPM's storage key name (hex). */
  tpm?: { storageKeyName: string };
  sign(data: Uint8Array): Buffer;
}

interface IdentityRecord {
  fingerprint: string;
  publicKey: string; // base64 raw
  machineId: string;
  hostname: string;
  createdAt: string;
  tpm?: { storageKeyName: string };
}

/** machine.key.tpm: the sealed seed (base64 TPM2B_PRIVATE and TPM2B_PUBLIC). */
interface SealedKeyFile {
  version: 1;
  storageKeyName: string;
  private: string;
  public: string;
}

// RFC 8410: an Ed25519 PKCS#8 key is this DER prefix and the 32-byte seed.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function seedOf(privateKey: KeyObject): Buffer {
  return privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519_PREFIX.length);
}

function unsealKey(file: string, device: string): KeyObject {
  const sealed = JSON.parse(readFileSync(file, 'utf8')) as SealedKeyFile;
  const tpm = openTpm(device);
  if (tpm === undefined) {
    throw new OctantError('E_IDENTITY_TPM', `${file}: the machine key is sealed to a TPM, and this machine has none (${device})`, { hint: 'attach the TPM this key was sealed to' });
  }
  try {
    const blob: SealedBlob = { private: Buffer.from(sealed.private, 'base64'), public: Buffer.from(sealed.public, 'base64') };
    const seed = tpm.unseal(blob);
    return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  } catch (error) {
    if (!isOctantError(error, 'E_TPM_UNSEAL')) throw error;
    throw new OctantError('E_IDENTITY_CLONED', `${file}: this machine's TPM (storage key ${tpm.storageKeyName.slice(0, 20)}...) cannot unseal the machine key sealed by ${sealed.storageKeyName.slice(0, 20)}...: the data disk was cloned or moved from another machine`, {
      cause: error, hint: 'a data disk belongs to the machine whose TPM sealed its key; give this machine its own data disk',
    });
  } finally {
    tpm.close();
  }
}

export function identityDir(paths: Paths): string {
  return join(paths.state, 'identity');
}

function readMachineId(): string {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (id !== '') return id;
    } catch { /* try the next source */ }
  }
  return 'unknown';
}

/** Load the machine identity, creating it on first use. */
export function loadOrCreateIdentity(paths: Paths, tpmDevice = TPM_DEVICE): MachineIdentity {
  const dir = identityDir(paths);
  const sealedFile = join(dir, 'machine.key.tpm');
  const recordFile = join(dir, 'identity.json');
  const software = join(dir, 'machine.key');
  if (!existsSync(software) && !existsSync(sealedFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = rawPublicKey(publicKey);
    // Only the machine's own identity goes to its TPM, not a --root state directory's.
    const tpm = paths.layout === 'system' ? openTpm(tpmDevice) : undefined;
    let sealed: SealedKeyFile | undefined;
    if (tpm !== undefined) {
      try {
        const blob = tpm.seal(seedOf(privateKey));
        sealed = { version: 1, storageKeyName: tpm.storageKeyName, private: blob.private.toString('base64'), public: blob.public.toString('base64') };
      } finally {
        tpm.close();
      }
    }
    const record: IdentityRecord = {
      fingerprint: createHash('sha256').update(raw).digest('hex'),
      publicKey: raw.toString('base64'),
      machineId: readMachineId(),
      hostname: hostname(),
      createdAt: new Date().toISOString(),
      ...(sealed !== undefined ? { tpm: { storageKeyName: sealed.storageKeyName } } : {}),
    };
    // The record first: the key's existence is what marks the identity as created.
    writeFileAtomic(recordFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
    if (sealed !== undefined) writeFileAtomic(sealedFile, `${JSON.stringify(sealed, null, 2)}\n`);
    else writeFileAtomic(software, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  }
  const keyFile = existsSync(software) ? software : sealedFile;
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new OctantError('E_IDENTITY_KEY_MODE', `${keyFile}: mode ${mode.toString(8)} lets others read the machine key`, { hint: `chmod 600 ${keyFile}` });
  }
  const privateKey = keyFile === software ? createPrivateKey(readFileSync(keyFile)) : unsealKey(keyFile, tpmDevice);
  const publicKey = createPublicKey(privateKey);
  const raw = rawPublicKey(publicKey);
  const record = JSON.parse(readFileSync(recordFile, 'utf8')) as IdentityRecord;
  const fingerprint = createHash('sha256').update(raw).digest('hex');
  if (record.fingerprint !== fingerprint) {
    throw new OctantError('E_IDENTITY_MISMATCH', `${recordFile}: records fingerprint ${record.fingerprint} but the key is ${fingerprint}`);
  }
  return {
    fingerprint,
    publicKey,
    privateKey,
    publicKeyRaw: raw,
    machineId: record.machineId,
    hostname: record.hostname,
    createdAt: record.createdAt,
    ...(record.tpm !== undefined ? { tpm: record.tpm } : {}),
    sign: (data) => sign(null, data, privateKey),
  };
}
