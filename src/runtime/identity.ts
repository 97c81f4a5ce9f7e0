// Machine identity: an Ed25519 key generated on first use (file mode 0600)
// and a record binding it to stable host facts (/etc/machine-id).
// The key signs ledger checkpoints; its fingerprint names the machine.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { writeFileAtomic } from '../lib/atomic-file.ts';
import { rawPublicKey } from '../lib/raw-public-key.ts';
import { OctantError } from '../lib/errors.ts';
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
  sign(data: Uint8Array): Buffer;
}

interface IdentityRecord {
  fingerprint: string;
  publicKey: string; // base64 raw
  machineId: string;
  hostname: string;
  createdAt: string;
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
export function loadOrCreateIdentity(paths: Paths): MachineIdentity {
  const dir = identityDir(paths);
  const keyFile = join(dir, 'machine.key');
  const recordFile = join(dir, 'identity.json');
  if (!existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = rawPublicKey(publicKey);
    const record: IdentityRecord = {
      fingerprint: createHash('sha256').update(raw).digest('hex'),
      publicKey: raw.toString('base64'),
      machineId: readMachineId(),
      hostname: hostname(),
      createdAt: new Date().toISOString(),
    };
    // The record first: the key's existence is what marks the identity as created.
    writeFileAtomic(recordFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
    writeFileAtomic(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  }
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new OctantError('E_IDENTITY_KEY_MODE', `${keyFile}: mode ${mode.toString(8)} lets others read the machine key`, { hint: `chmod 600 ${keyFile}` });
  }
  const privateKey = createPrivateKey(readFileSync(keyFile));
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
    sign: (data) => sign(null, data, privateKey),
  };
}
