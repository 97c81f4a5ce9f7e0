// Signing and verifying manifests (validation rule 2) and operator approvals.
//
// What is signed: the UTF-8 bytes of a context string, a newline, then the
// manifest's RFC 8785 canonical JSON. The context ("octant-manifest-v1",
// "octant-approval-v1") separates domains: a signature over one kind of
// document can never be replayed as another.
// Algorithm: Ed25519 (RFC 8032), pure, no pre-hash.
// Key id: the first 16 hex digits (64 bits) of SHA-256 over the raw 32-byte
// public key. It only names the key; verification always uses the full key
// from the trusted set.

import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { canonicalBytes, canonicalJson } from '../../lib/canonical-json.ts';
import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';
import { rawPublicKey } from '../../lib/raw-public-key.ts';
import { readObject, readString, schemaError } from './field-reader.ts';
import type { Manifest } from './schema.ts';
import { validateSchema } from './schema.ts';

export const MANIFEST_CONTEXT = 'octant-manifest-v1';
export const APPROVAL_CONTEXT = 'octant-approval-v1';

export interface Signature {
  algorithm: 'ed25519';
  keyId: string;
  /** base64 of the 64-byte signature. */
  value: string;
}

export interface SignedManifest {
  manifest: Manifest;
  signature: Signature;
}

/** A trusted key as verification needs it (trust.ts builds these). */
export interface VerifyingKey {
  keyId: string;
  publicKey: KeyObject;
  revoked: boolean;
}

export interface KeyLookup {
  find(keyId: string): VerifyingKey | undefined;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new OctantError('E_KEYS_FORMAT', `an Ed25519 public key is 32 bytes, got ${raw.length}`);
  // SPKI prefix for Ed25519 (RFC 8410 §4): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING }.
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
  return createPublicKey({ key: der, format: 'der', type: 'spki' });
}

function signingBytes(context: string, value: unknown): Buffer {
  return Buffer.concat([Buffer.from(`${context}\n`, 'utf8'), canonicalBytes(value)]);
}

/** SHA-256 (hex) of a manifest's canonical JSON: what approvals and the ledger name it by. */
export function manifestDigest(manifest: Manifest): string {
  return createHash('sha256').update(canonicalBytes(manifest)).digest('hex');
}

/** Load an operator's private key (PKCS#8 PEM) refusing files others can read. */
export function loadPrivateKey(path: string): KeyObject {
  let mode: number;
  try { mode = statSync(path).mode & 0o777; } catch (error) {
    throw new OctantError('E_KEYS_PRIVATE', `--key ${path}: ${messageOf(error)}`, { exit: EXIT.unavailable });
  }
  if ((mode & 0o077) !== 0) throw new OctantError('E_KEYS_PRIVATE', `--key ${path}: mode ${mode.toString(8)} lets others read the private key`, { hint: `chmod 600 ${path}`, exit: EXIT.denied });
  try {
    const key = createPrivateKey(readFileSync(path));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key, not ed25519`);
    return key;
  } catch (error) {
    throw new OctantError('E_KEYS_PRIVATE', `--key ${path}: not an Ed25519 private key (${messageOf(error)})`);
  }
}

export function signDocument(context: string, value: unknown, privateKey: KeyObject): Signature {
  return {
    algorithm: 'ed25519',
    keyId: keyIdOf(createPublicKey(privateKey)),
    value: sign(null, signingBytes(context, value), privateKey).toString('base64'),
  };
}

export function signManifest(manifest: Manifest, privateKey: KeyObject): SignedManifest {
  return { manifest, signature: signDocument(MANIFEST_CONTEXT, manifest, privateKey) };
}

function signatureError(message: string, keyId?: string): OctantError {
  return new OctantError('E_MANIFEST_SIGNATURE', message, { exit: EXIT.denied, detail: { rule: 2, keyId } });
}

/** Check `signature` over `value` against the trusted keys; returns the signer's key id. */
export function verifyDocument(context: string, value: unknown, signature: Signature, trust: KeyLookup, what: string): string {
  const key = trust.find(signature.keyId);
  if (key === undefined) throw signatureError(`${what}: signed by key ${signature.keyId}, which is not in the trusted key set`, signature.keyId);
  if (key.revoked) throw signatureError(`${what}: signed by key ${signature.keyId}, which has been revoked`, signature.keyId);
  const bytes = Buffer.from(signature.value, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== signature.value || !verify(null, signingBytes(context, value), key.publicKey, bytes)) {
    throw signatureError(`${what}: the signature does not verify with key ${signature.keyId}`, signature.keyId);
  }
  return key.keyId;
}

/** Rule 2 on its own: the signer's key id if the signature holds. */
export function verifyManifest(signed: SignedManifest, trust: KeyLookup): string {
  return verifyDocument(MANIFEST_CONTEXT, signed.manifest, signed.signature, trust, `manifest ${signed.manifest.identity.name}`);
}

export function readSignature(value: unknown, path: string): Signature {
  const r = readObject(value, path, ['algorithm', 'keyId', 'value'], ['algorithm', 'keyId', 'value']);
  if (r.algorithm !== 'ed25519') throw schemaError(`${path}.algorithm`, 'only ed25519 is supported');
  const keyId = readString(r.keyId, `${path}.keyId`, 16);
  if (!/^[0-9a-f]{16}$/.test(keyId)) throw schemaError(`${path}.keyId`, 'expected 16 lowercase hex digits');
  const sig = readString(r.value, `${path}.value`, 100);
  if (!/^[A-Za-z0-9+/]{86}==$/.test(sig)) throw schemaError(`${path}.value`, 'expected a base64 Ed25519 signature (64 bytes)');
  return { algorithm: 'ed25519', keyId, value: sig };
}

/** The signed envelope {manifest, signature}, the manifest in normal form. */
export function readSignedManifest(value: unknown): SignedManifest {
  const r = readObject(value, '', ['manifest', 'signature'], ['manifest', 'signature']);
  const manifest = validateSchema(r.manifest);
  // What is shown must be what was signed: the envelope holds the normal form only.
  if (canonicalJson(r.manifest) !== canonicalJson(manifest)) throw schemaError('manifest', 'a signed manifest must be in normal form (as written by octant manifest sign)');
  return { manifest, signature: readSignature(r.signature, 'signature') };
}

export function isSignedEnvelope(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, 'signature') && Object.hasOwn(value, 'manifest');
}
