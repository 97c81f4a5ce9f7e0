// C2SP tlog-cosignature (c2sp.org/tlog-cosignature), Ed25519 "cosignature/v1":
// how a witness countersigns a checkpoint.
//
//   signed message = "cosignature/v1\n" || "time <T>\n" || the checkpoint's
//                    whole note body (every line up to the blank line,
//                    extension lines included, final newline included)
//   T              = POSIX seconds of the cosignature, ASCII decimal, no
//                    leading zeroes; at most 2^63 - 1
//   key ID         = SHA-256(<name> || "\n" || 0x04 || 32-byte public key)[:4]
//                    (signature type 0x04 in the signed-note key registry)
//   signature line = "— <name> " base64(key ID[4] || T as big-endian u64[8] || Ed25519 sig[64])
//   verifier key   = "<name>+<hex key ID>+" base64(0x04 || public key)  (signed-note vkey)
//
// The type byte differs from a plain note signature's (0x01), so the same key
// can never have a cosignature mistaken for a note signature or back, and the
// "cosignature/v1" header separates the signed messages too.

import { createPublicKey, hash, verify as edVerify } from 'node:crypto';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { parseNote, type NoteSigner } from './note.ts';

export const COSIGNATURE_V1 = 0x04;
const HEADER = 'cosignature/v1\n';
const DASH = '\u2014 ';
const MAX_TIMESTAMP = 2n ** 63n - 1n;
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A cosigner's public identity: name and raw 32-byte Ed25519 key. */
export interface CosignerKey {
  name: string;
  publicKeyRaw: Buffer;
}

export interface Cosignature {
  name: string;
  /** POSIX seconds at which the witness signed. */
  timestamp: number;
}

function formatError(message: string): OctantError {
  return new OctantError('E_WITNESS_FORMAT', `cosignature: ${message}`);
}

function checkName(name: string): void {
  if (name === '' || /[\s+]/u.test(name)) throw formatError(`key name '${name}' must be non-empty with no spaces or '+'`);
}

export function cosignerKeyId(name: string, publicKeyRaw: Buffer): Buffer {
  return hash('sha256', Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([COSIGNATURE_V1]), publicKeyRaw]), 'buffer').subarray(0, 4);
}

/** The exact bytes an Ed25519 cosignature/v1 signs. */
export function cosignedMessage(body: string, timestamp: number): Buffer {
  return Buffer.from(`${HEADER}time ${timestamp}\n${body}`, 'utf8');
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw formatError(`timestamp ${timestamp} is not whole POSIX seconds`);
}

/** One signature line countersigning the note `body` at `timestamp` (POSIX seconds). */
export function cosignatureLine(body: string, signer: NoteSigner, timestamp: number): string {
  checkName(signer.name);
  checkTimestamp(timestamp);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timestamp));
  const sig = signer.sign(cosignedMessage(body, timestamp));
  return `${DASH}${signer.name} ${Buffer.concat([cosignerKeyId(signer.name, signer.publicKeyRaw), time, sig]).toString('base64')}\n`;
}

/** Append a cosignature to a signed note (a checkpoint), over its body. */
export function cosignNote(note: string, signer: NoteSigner, timestamp: number): string {
  return `${note}${cosignatureLine(parseNote(note).text, signer, timestamp)}`;
}

/**
 * Find and verify `cosigner`'s cosignature on `note`. Lines by other keys are
 * ignored (as the spec tells clients to do); a matching line that does not
 * verify is an error, as is no matching line.
 */
export function verifyCosignature(note: string, cosigner: CosignerKey): Cosignature {
  const { text, signatures } = parseNote(note);
  const id = cosignerKeyId(cosigner.name, cosigner.publicKeyRaw);
  const mine = signatures.filter((s) => s.name === cosigner.name && s.keyHash.equals(id));
  if (mine.length === 0) throw new OctantError('E_WITNESS_SIGNATURE', `cosignature: none by witness '${cosigner.name}' (${id.toString('hex')})`, { exit: EXIT.denied });
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, cosigner.publicKeyRaw]), format: 'der', type: 'spki' });
  let latest: number | undefined;
  for (const s of mine) {
    // s.signature is everything after the key ID: timestamp[8] || sig[64].
    const time = s.signature.length === 72 ? s.signature.readBigUInt64BE(0) : -1n;
    if (time < 0n || time > MAX_TIMESTAMP || time > BigInt(Number.MAX_SAFE_INTEGER) || !edVerify(null, cosignedMessage(text, Number(time)), key, s.signature.subarray(8))) {
      throw new OctantError('E_WITNESS_SIGNATURE', `cosignature: the one by witness '${cosigner.name}' does not verify`, { exit: EXIT.denied });
    }
    latest = Math.max(latest ?? 0, Number(time));
  }
  return { name: cosigner.name, timestamp: latest! };
}

/** The witness's verifier key in signed-note vkey form, type 0x04. */
export function formatCosignerKey(key: CosignerKey): string {
  checkName(key.name);
  return `${key.name}+${cosignerKeyId(key.name, key.publicKeyRaw).toString('hex')}+${Buffer.concat([Buffer.from([COSIGNATURE_V1]), key.publicKeyRaw]).toString('base64')}`;
}

export function parseCosignerKey(vkey: string): CosignerKey {
  // The base64 part may contain '+': name and key ID are the first two fields.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(vkey);
  const raw = Buffer.from(m?.[3] ?? '', 'base64');
  if (m === null || raw.length !== 33 || raw[0] !== COSIGNATURE_V1) {
    throw formatError(`verifier key '${vkey.slice(0, 60)}' is not <name>+<key id>+<base64 of 0x04 and an Ed25519 key>`);
  }
  const key = { name: m[1]!, publicKeyRaw: raw.subarray(1) };
  if (!cosignerKeyId(key.name, key.publicKeyRaw).equals(Buffer.from(m[2]!, 'hex'))) throw formatError(`verifier key '${key.name}': key ID does not match the key`);
  return key;
}
