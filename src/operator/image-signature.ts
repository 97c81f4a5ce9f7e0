// Signed image sets: what `octant image sign` writes and `octant update`
// checks before anything is written to a disk (docs/image.md, "Updates").
//
// The statement signed describes the whole image set: the dm-verity root
// hash, salt and block counts (what the boot chain trusts the root by), the
// kernel release, and the SHA-256 of each file of the set (root.img,
// initramfs.img, vmlinuz). Signature: Ed25519 over "octant-image-v1\n" and
// the statement's RFC 8785 canonical JSON, as manifests are signed
// (agent/manifest/sign.ts, its own context string so no other signed
// document can pass for an image). Verification uses the operator keys the
// machine trusts (`octant keys add`, the sealed key set), and the statement
// must equal the one computed from the files on disk: a file changed after
// signing, or a statement edited, is refused.

import { createHash, type KeyObject } from 'node:crypto';
import { existsSync, openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../lib/canonical-json.ts';
import { EXIT, OctantError, messageOf } from '../lib/errors.ts';
import { writeFileAtomic } from '../lib/atomic-file.ts';
import { readImageManifest } from '../runtime/image/install.ts';
import { readSignature, signDocument, verifyDocument, type KeyLookup, type Signature } from '../agent/manifest/sign.ts';

export const IMAGE_CONTEXT = 'octant-image-v1';
export const SIGNATURE_FILE = 'image.sig.json';
const SIGNED_FILES = ['root.img', 'initramfs.img', 'vmlinuz'] as const;

export interface ImageStatement {
  version: 1;
  kernel: string;
  rootHash: string;
  salt: string;
  dataBlocks: number;
  hashStartBlock: number;
  files: Record<(typeof SIGNED_FILES)[number], string>;
}

function sha256File(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(1024 * 1024);
  try {
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0;) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** The statement for the image set in `imageDir`, computed from its files. */
export function imageStatement(imageDir: string): ImageStatement {
  const manifest = readImageManifest(imageDir);
  const files = {} as ImageStatement['files'];
  for (const name of SIGNED_FILES) {
    const path = join(imageDir, name);
    if (!existsSync(path)) throw new OctantError('E_IMAGE_INPUT', `${path}: missing from the image set`);
    files[name] = sha256File(path);
  }
  return { version: 1, kernel: manifest.kernel, rootHash: manifest.rootHash, salt: manifest.salt, dataBlocks: manifest.dataBlocks, hashStartBlock: manifest.hashStartBlock, files };
}

/** Signs the image set in place (image.sig.json); returns the signature. */
export function signImage(imageDir: string, privateKey: KeyObject): Signature {
  const statement = imageStatement(imageDir);
  const signature = signDocument(IMAGE_CONTEXT, statement, privateKey);
  writeFileAtomic(join(imageDir, SIGNATURE_FILE), `${JSON.stringify({ statement, signature }, null, 2)}\n`, { mode: 0o644 });
  return signature;
}

function refused(message: string, hint?: string): OctantError {
  return new OctantError('E_IMAGE_SIGNATURE', message, { exit: EXIT.denied, hint });
}

/**
 * Checks the image set against its signature and the trusted keys.
 * Returns the verified statement and the signer's key id; throws
 * E_IMAGE_SIGNATURE (exit 4) for an unsigned, altered or untrusted image.
 */
export function verifyImage(imageDir: string, trust: KeyLookup): { statement: ImageStatement; keyId: string } {
  const file = join(imageDir, SIGNATURE_FILE);
  if (!existsSync(file)) throw refused(`${imageDir}: the image is not signed (no ${SIGNATURE_FILE})`, 'sign it with octant image sign IMAGE_DIR --key KEY');
  let envelope: { statement?: unknown; signature?: unknown };
  try {
    envelope = JSON.parse(readFileSync(file, 'utf8')) as typeof envelope;
  } catch (error) {
    throw refused(`${file}: unreadable (${messageOf(error)})`);
  }
  let signature: Signature;
  try {
    signature = readSignature(envelope.signature, 'signature');
  } catch (error) {
    throw refused(`${file}: ${messageOf(error)}`);
  }
  const actual = imageStatement(imageDir);
  // The signature is checked over the statement computed from the files, so
  // what is verified is what will be written; the stored copy only has to agree.
  try {
    verifyDocument(IMAGE_CONTEXT, actual, signature, trust, `image ${actual.rootHash.slice(0, 16)}`);
  } catch (error) {
    const differs = canonicalJson(envelope.statement) !== canonicalJson(actual);
    throw refused(`${messageOf(error)}${differs ? ' (the image set differs from the signed statement: a file or image.json changed after signing)' : ''}`);
  }
  return { statement: actual, keyId: signature.keyId };
}
