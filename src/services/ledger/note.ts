// C2SP signed-note (c2sp.org/signed-note) with Ed25519 signatures.
// A note is its text, a blank line, then one line per signature:
//   "— <key name> <base64(key hash[4] || signature[64])>\n"
// (U+2014 em dash, space). The signature covers the text bytes. The key
// hash is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key),
// 0x01 being the signature type byte of Ed25519. A verifier key is written
// "<name>+<hex key hash>+<base64(0x01 || public key)>".

import { createPublicKey, hash, verify as edVerify, type KeyObject } from 'node:crypto';
import { OctantError } from '../../lib/errors.ts';

const ED25519 = 0x01;
const DASH = '\u2014 ';
// SPKI DER prefix of a raw 32-byte Ed25519 public key (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface NoteSigner {
  name: string;
  publicKeyRaw: Buffer;
  sign(data: Uint8Array): Buffer;
}

export interface NoteVerifier {
  name: string;
  publicKeyRaw: Buffer;
}

export interface NoteSignature {
  name: string;
  keyHash: Buffer;
  signature: Buffer;
}

function badNote(message: string): OctantError {
  return new OctantError('E_NOTE_FORMAT', message);
}

function checkName(name: string): void {
  if (name === '' || /[\s+]/u.test(name)) throw badNote(`note key name '${name}' must be non-empty with no spaces or '+'`);
}

export function keyHash(name: string, publicKeyRaw: Buffer): Buffer {
  return hash('sha256', Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519]), publicKeyRaw]), 'buffer').subarray(0, 4);
}

export function signatureLine(text: string, signer: NoteSigner): string {
  checkName(signer.name);
  const sig = signer.sign(Buffer.from(text, 'utf8'));
  return `${DASH}${signer.name} ${Buffer.concat([keyHash(signer.name, signer.publicKeyRaw), sig]).toString('base64')}\n`;
}

/** Sign `text` (which must end in a newline) into a note. */
export function signNote(text: string, signer: NoteSigner): string {
  if (!text.endsWith('\n')) throw badNote('note text must end with a newline');
  return `${text}\n${signatureLine(text, signer)}`;
}

/** Add one more signature (a witness's) to a note, over the same text. */
export function addSignature(note: string, signer: NoteSigner): string {
  const { text } = parseNote(note);
  return `${note}${signatureLine(text, signer)}`;
}

/** Split a note into its text and signature lines. */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  const split = note.lastIndexOf('\n\n');
  if (split === -1 || !note.endsWith('\n')) throw badNote('signed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const signatures: NoteSignature[] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    if (!line.startsWith(DASH)) throw badNote(`signed note: signature line '${line.slice(0, 40)}' does not start with an em dash`);
    const [name, b64, extra] = line.slice(DASH.length).split(' ');
    const raw = Buffer.from(b64 ?? '', 'base64');
    if (name === undefined || extra !== undefined || raw.length < 5 || raw.toString('base64') !== b64) {
      throw badNote(`signed note: malformed signature line '${line.slice(0, 40)}'`);
    }
    signatures.push({ name, keyHash: raw.subarray(0, 4), signature: raw.subarray(4) });
  }
  if (signatures.length === 0) throw badNote('signed note: no signatures');
  return { text, signatures };
}

export function publicKeyObject(publicKeyRaw: Buffer): KeyObject {
  if (publicKeyRaw.length !== 32) throw badNote(`Ed25519 public key is ${publicKeyRaw.length} bytes, not 32`);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKeyRaw]), format: 'der', type: 'spki' });
}

/** Verify the note carries a valid signature by `verifier`; returns the text. */
export function verifyNote(note: string, verifier: NoteVerifier): string {
  const { text, signatures } = parseNote(note);
  const id = keyHash(verifier.name, verifier.publicKeyRaw);
  const key = publicKeyObject(verifier.publicKeyRaw);
  const mine = signatures.filter((s) => s.name === verifier.name && s.keyHash.equals(id));
  if (mine.length === 0) {
    throw new OctantError('E_NOTE_SIGNATURE', `signed note: no signature by key '${verifier.name}' (${id.toString('hex')})`, { exit: 4 });
  }
  if (!mine.every((s) => s.signature.length === 64 && edVerify(null, Buffer.from(text, 'utf8'), key, s.signature))) {
    throw new OctantError('E_NOTE_SIGNATURE', `signed note: the signature by '${verifier.name}' does not verify`, { exit: 4 });
  }
  return text;
}

export function formatVerifierKey(v: NoteVerifier): string {
  checkName(v.name);
  return `${v.name}+${keyHash(v.name, v.publicKeyRaw).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), v.publicKeyRaw]).toString('base64')}`;
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  // The base64 key may itself contain '+': split at the first two only.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(vkey);
  const parts = m === null ? [] : [m[1]!, m[2]!, m[3]!];
  const raw = Buffer.from(parts[2] ?? '', 'base64');
  if (parts.length !== 3 || raw.length !== 33 || raw[0] !== ED25519) {
    throw badNote(`verifier key '${vkey.slice(0, 60)}' is not <name>+<hash>+<base64 Ed25519 key>`);
  }
  const v = { name: parts[0]!, publicKeyRaw: raw.subarray(1) };
  if (keyHash(v.name, v.publicKeyRaw).toString('hex') !== parts[1]) throw badNote(`verifier key '${v.name}': key hash does not match the key`);
  return v;
}
