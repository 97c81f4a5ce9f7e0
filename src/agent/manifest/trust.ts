// The trusted operator key set (validation rule 2), under paths.etc/keys/.
//
//   keys/trusted.json        the set: every key ever added, revoked ones marked
//   keys/private/<name>.key  private keys made by `octant keys generate` (0600)
//
// The set is tamper-evident: it is sealed by the machine key
// (runtime/identity.ts) over its canonical JSON with a generation counter.
// A set whose seal does not verify is refused (E_KEYS_TAMPERED) and nothing
// verifies against it: fail closed. Revoked keys stay in the set so a later
// "add" of the same key cannot silently revive them.

import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { canonicalBytes } from '../../lib/canonical-json.ts';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';
import { loadOrCreateIdentity, type MachineIdentity } from '../../runtime/identity.ts';
import type { Paths } from '../../runtime/paths.ts';
import { type KeyLookup, type VerifyingKey, keyIdOf, publicKeyFromRaw } from './sign.ts';
import { rawPublicKey } from '../../lib/raw-public-key.ts';

const SEAL_CONTEXT = 'octant-keyset-v1';
const KEY_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface TrustedKey {
  keyId: string;
  name: string;
  /** base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
  addedAt: string;
  revokedAt?: string;
  reason?: string;
}

interface KeySetBody {
  version: 1;
  generation: number;
  keys: TrustedKey[];
}

interface KeySetFile extends KeySetBody {
  seal: { machine: string; signature: string };
}

export interface TrustStore extends KeyLookup {
  keys: readonly TrustedKey[];
  generation: number;
}

export function keysDir(paths: Paths): string {
  return join(paths.etc, 'keys');
}

function setFile(paths: Paths): string {
  return join(keysDir(paths), 'trusted.json');
}

function tampered(file: string, why: string): OctantError {
  return new OctantError('E_KEYS_TAMPERED', `${file}: ${why}; the trusted key set is refused`, {
    exit: EXIT.denied,
    hint: 'restore the key set from a backup, or move it aside and add the operator keys again',
  });
}

function sealBytes(body: KeySetBody): Buffer {
  return Buffer.concat([Buffer.from(`${SEAL_CONTEXT}\n`), canonicalBytes(body)]);
}

function lookup(keys: readonly TrustedKey[]): KeyLookup {
  const byId = new Map<string, VerifyingKey>(keys.map((k) => [k.keyId, { keyId: k.keyId, publicKey: publicKeyFromRaw(Buffer.from(k.publicKey, 'base64')), revoked: k.revokedAt !== undefined }]));
  return { find: (keyId) => byId.get(keyId) };
}

/** An in-memory key set (no file): for callers that already hold the keys. */
export function trustFromKeys(entries: readonly { publicKey: KeyObject; revoked?: boolean }[]): TrustStore {
  const keys = entries.map((e, i): TrustedKey => ({
    keyId: keyIdOf(e.publicKey), name: `key-${i}`, publicKey: rawPublicKey(e.publicKey).toString('base64'), addedAt: '1970-01-01T00:00:00.000Z',
    ...(e.revoked ? { revokedAt: '1970-01-01T00:00:00.000Z' } : {}),
  }));
  return { keys, generation: 0, ...lookup(keys) };
}

/** Load and check the sealed key set; an absent file is an empty set (nothing trusted). */
export function loadTrustStore(paths: Paths, identity: MachineIdentity = loadOrCreateIdentity(paths)): TrustStore {
  const file = setFile(paths);
  if (!existsSync(file)) return { keys: [], generation: 0, find: () => undefined };
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o022) !== 0) throw tampered(file, `mode ${mode.toString(8)} lets others change it`);
  let parsed: KeySetFile;
  try { parsed = JSON.parse(readFileSync(file, 'utf8')) as KeySetFile; } catch (error) { throw tampered(file, `unreadable (${messageOf(error)})`); }
  if (parsed?.version !== 1 || !Array.isArray(parsed.keys) || typeof parsed.seal?.signature !== 'string' || !Number.isSafeInteger(parsed.generation)) throw tampered(file, 'not a key set');
  const body: KeySetBody = { version: 1, generation: parsed.generation, keys: parsed.keys };
  let ok = false;
  try { ok = verify(null, sealBytes(body), identity.publicKey, Buffer.from(parsed.seal.signature, 'base64')); } catch { ok = false; }
  if (!ok || parsed.seal.machine !== identity.fingerprint) throw tampered(file, 'the machine seal does not verify (modified, or sealed by another machine)');
  for (const key of parsed.keys) {
    if (keyIdOf(publicKeyFromRaw(Buffer.from(key.publicKey, 'base64'))) !== key.keyId) throw tampered(file, `key ${key.keyId} does not match its public key`);
  }
  return { keys: parsed.keys, generation: parsed.generation, ...lookup(parsed.keys) };
}

function save(paths: Paths, keys: TrustedKey[], generation: number, identity: MachineIdentity): void {
  const file = setFile(paths);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const body: KeySetBody = { version: 1, generation, keys };
  const out: KeySetFile = { ...body, seal: { machine: identity.fingerprint, signature: identity.sign(sealBytes(body)).toString('base64') } };
  writeFileAtomic(file, `${JSON.stringify(out, null, 2)}\n`);
}

function keyError(code: string, message: string, hint?: string): OctantError {
  return new OctantError(code, message, { exit: EXIT.usage, hint });
}

export function addTrustedKey(paths: Paths, publicKey: KeyObject, name: string, now = new Date()): TrustedKey {
  if (!KEY_NAME.test(name)) throw keyError('E_KEYS_NAME', `--name ${JSON.stringify(name)}: expected ${KEY_NAME.source}`);
  if (publicKey.asymmetricKeyType !== 'ed25519') throw keyError('E_KEYS_FORMAT', `not an Ed25519 public key (${publicKey.asymmetricKeyType})`);
  const identity = loadOrCreateIdentity(paths);
  const store = loadTrustStore(paths, identity);
  const keyId = keyIdOf(publicKey);
  const existing = store.keys.find((k) => k.keyId === keyId);
  if (existing?.revokedAt !== undefined) throw keyError('E_KEYS_REVOKED', `key ${keyId} was revoked on ${existing.revokedAt}; a revoked key cannot be added again`, 'generate a new key');
  if (existing !== undefined) throw keyError('E_KEYS_EXISTS', `key ${keyId} is already trusted as ${existing.name}`);
  if (store.keys.some((k) => k.name === name)) throw keyError('E_KEYS_NAME', `--name ${name}: another key already has this name`);
  const entry: TrustedKey = { keyId, name, publicKey: rawPublicKey(publicKey).toString('base64'), addedAt: now.toISOString() };
  save(paths, [...store.keys, entry], store.generation + 1, identity);
  return entry;
}

/** Revoke by key id or name; the key stays listed, marked revoked. */
export function revokeTrustedKey(paths: Paths, idOrName: string, reason: string, now = new Date()): TrustedKey {
  const identity = loadOrCreateIdentity(paths);
  const store = loadTrustStore(paths, identity);
  const index = store.keys.findIndex((k) => k.keyId === idOrName || k.name === idOrName);
  if (index === -1) throw keyError('E_KEYS_UNKNOWN', `${idOrName}: no trusted key has this id or name`, "see 'octant keys list'");
  const key = store.keys[index];
  if (key.revokedAt !== undefined) throw keyError('E_KEYS_REVOKED', `key ${key.keyId} is already revoked`);
  const revoked: TrustedKey = { ...key, revokedAt: now.toISOString(), reason };
  save(paths, store.keys.map((k, i) => (i === index ? revoked : k)), store.generation + 1, identity);
  return revoked;
}

export interface GeneratedKey {
  keyId: string;
  privatePath: string;
  publicPem: string;
}

/** A new operator key pair: the private key written 0600 (never overwriting). */
export function generateOperatorKey(paths: Paths, name: string, out?: string): GeneratedKey {
  if (!KEY_NAME.test(name)) throw keyError('E_KEYS_NAME', `--name ${JSON.stringify(name)}: expected ${KEY_NAME.source}`);
  const privatePath = out ?? join(keysDir(paths), 'private', `${name}.key`);
  if (existsSync(privatePath)) throw keyError('E_KEYS_EXISTS', `${privatePath} already exists; refusing to overwrite a private key`);
  mkdirSync(dirname(privatePath), { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  try {
    writeFileAtomic(privatePath, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { exclusive: true });
  } catch (error) {
    // Another writer won the race since the check above.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw keyError('E_KEYS_EXISTS', `${privatePath} already exists; refusing to overwrite a private key`);
    throw error;
  }
  return { keyId: keyIdOf(publicKey), privatePath, publicPem: publicKey.export({ format: 'pem', type: 'spki' }) as string };
}
