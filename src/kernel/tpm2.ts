// A minimal TPM 2.0 client over the kernel's resource-managed device
// (/dev/tpmrm0): just enough to seal a secret to this TPM and unseal it.
// The image has no shell and no tpm2-tools; the commands are marshalled here
// by hand, following the TPM 2.0 Library specification (TCG, rev. 1.59):
//   Part 3, 24.1 TPM2_CreatePrimary  the storage primary key under the owner
//                                    hierarchy: derived from the TPM's owner
//                                    seed and the template, so the same on
//                                    every call on this TPM, different on any other
//   Part 3, 12.1 TPM2_Create         a sealed data object (keyedhash, no
//                                    sign/decrypt) holding the secret, wrapped
//                                    by the primary: only this TPM can load it
//   Part 3, 12.2 TPM2_Load           loads the wrapped object under the primary
//                                    (fails on another TPM: the wrapping key differs)
//   Part 3, 12.7 TPM2_Unseal         returns the secret
//   Part 3, 28.4 TPM2_FlushContext   frees the transient objects
// Structures and constants: Part 2. Every command authorizes with the empty
// password session TPM_RS_PW (Part 1, 19.6.4, "Password Authorizations"):
// the owner hierarchy and the objects have empty auth values, as on a
// machine whose TPM was never given an owner password.
// Not done (docs/image.md, "TPM identity"): a PCR policy binding the seal to
// the measured boot; the endorsement key and attestation.

import { closeSync, existsSync, openSync, readSync, writeSync } from 'node:fs';
import { OctantError, messageOf } from '../lib/errors.ts';

export const TPM_DEVICE = '/dev/tpmrm0';

const ST_SESSIONS = 0x8002; // Part 2, 6.9 TPM_ST
const ST_NO_SESSIONS = 0x8001;
const CC = { CreatePrimary: 0x131, Create: 0x153, Load: 0x157, Unseal: 0x15e, FlushContext: 0x165 } as const; // Part 2, 6.5 TPM_CC
const RH_OWNER = 0x40000001; // Part 2, 7.4 TPM_RH
const RS_PW = 0x40000009;
const ALG = { AES: 0x0006, KEYEDHASH: 0x0008, SHA256: 0x000b, NULL: 0x0010, ECC: 0x0023, CFB: 0x0043 } as const; // Part 2, 6.3 TPM_ALG_ID
const ECC_NIST_P256 = 0x0003;
// TPMA_OBJECT bits (Part 2, 8.3)
const FIXED_TPM = 1 << 1, FIXED_PARENT = 1 << 4, SENSITIVE_DATA_ORIGIN = 1 << 5, USER_WITH_AUTH = 1 << 6, NO_DA = 1 << 10, RESTRICTED = 1 << 16, DECRYPT = 1 << 17;

function u16(v: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; }
function u32(v: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; }
/** TPM2B_*: a 16-bit size, then the bytes. */
function sized(bytes: Buffer): Buffer { return Buffer.concat([u16(bytes.length), bytes]); }

/** The storage primary's template (TPMT_PUBLIC): an ECC P-256 restricted decryption key with AES-128-CFB, the "SRK" of the TCG provisioning guidance. */
function primaryTemplate(): Buffer {
  return Buffer.concat([
    u16(ALG.ECC), u16(ALG.SHA256), u32(FIXED_TPM | FIXED_PARENT | SENSITIVE_DATA_ORIGIN | USER_WITH_AUTH | NO_DA | RESTRICTED | DECRYPT),
    sized(Buffer.alloc(0)), // authPolicy: none
    u16(ALG.AES), u16(128), u16(ALG.CFB), // TPMT_SYM_DEF_OBJECT
    u16(ALG.NULL), u16(ECC_NIST_P256), u16(ALG.NULL), // scheme, curve, kdf
    sized(Buffer.alloc(0)), sized(Buffer.alloc(0)), // unique: empty point
  ]);
}

/** A sealed data object's template: keyedhash without sign or decrypt, its data given by the caller. */
function sealedTemplate(): Buffer {
  return Buffer.concat([
    u16(ALG.KEYEDHASH), u16(ALG.SHA256), u32(FIXED_TPM | FIXED_PARENT | USER_WITH_AUTH | NO_DA),
    sized(Buffer.alloc(0)), u16(ALG.NULL), sized(Buffer.alloc(0)),
  ]);
}

/** TPM2B_SENSITIVE_CREATE: empty userAuth, then the data. */
function sensitiveCreate(data: Buffer): Buffer {
  return sized(Buffer.concat([sized(Buffer.alloc(0)), sized(data)]));
}

/** The one authorization area: the empty password session. */
const PASSWORD_AUTH = Buffer.concat([u32(9), u32(RS_PW), u16(0), Buffer.from([0]), u16(0)]);

class Reader {
  at = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) { this.buf = buf; }
  u16(): number { const v = this.buf.readUInt16BE(this.at); this.at += 2; return v; }
  u32(): number { const v = this.buf.readUInt32BE(this.at); this.at += 4; return v; }
  sized(): Buffer { const n = this.u16(); const v = this.buf.subarray(this.at, this.at + n); this.at += n; return v; }
}

export interface SealedBlob {
  /** TPM2B_PRIVATE and TPM2B_PUBLIC of the sealed object, as TPM2_Create returned them. */
  private: Buffer;
  public: Buffer;
}

export class TpmError extends OctantError {}

export interface Tpm {
  /** The storage primary's TPM name (nameAlg || SHA-256 of its public area), hex: this TPM's key, the same on every boot. */
  storageKeyName: string;
  seal(secret: Buffer): SealedBlob;
  /** Throws TpmError (code E_TPM_UNSEAL) when the blob was not sealed by this TPM. */
  unseal(blob: SealedBlob): Buffer;
  close(): void;
}

/** The TPM, or undefined when the machine has none. */
export function openTpm(device = TPM_DEVICE): Tpm | undefined {
  if (!existsSync(device)) return undefined;
  let fd: number;
  try {
    fd = openSync(device, 'r+');
  } catch (error) {
    throw new TpmError('E_TPM', `${device}: ${messageOf(error)}`, { cause: error, hint: 'the machine key is sealed to the TPM: run as root' });
  }
  const response = Buffer.alloc(4096);
  const transmit = (name: string, code: number, handles: number[], params: Buffer, withAuth = true, errorCode = 'E_TPM'): Reader => {
    const body = Buffer.concat([...handles.map(u32), ...(withAuth ? [PASSWORD_AUTH] : []), params]);
    const command = Buffer.concat([u16(withAuth ? ST_SESSIONS : ST_NO_SESSIONS), u32(10 + body.length), u32(code), body]);
    writeSync(fd, command);
    const n = readSync(fd, response, 0, response.length, null);
    const r = new Reader(Buffer.from(response.subarray(0, n)));
    r.u16(); r.u32();
    const rc = r.u32();
    if (rc !== 0) throw new TpmError(errorCode, `TPM2_${name} failed: response code 0x${rc.toString(16).padStart(3, '0')}`, { detail: { rc } });
    return r;
  };
  const flush = (handle: number) => transmit('FlushContext', CC.FlushContext, [], u32(handle), false);
  const primary = (): { handle: number; name: string } => {
    const r = transmit('CreatePrimary', CC.CreatePrimary, [RH_OWNER], Buffer.concat([sensitiveCreate(Buffer.alloc(0)), sized(primaryTemplate()), sized(Buffer.alloc(0)), u32(0)]));
    const handle = r.u32();
    r.u32(); // parameterSize
    r.sized(); r.sized(); r.sized(); // outPublic, creationData, creationHash
    r.u16(); r.u32(); r.sized(); // creationTicket: tag, hierarchy, digest
    return { handle, name: r.sized().toString('hex') };
  };
  const withPrimary = <T>(use: (handle: number) => T): T => {
    const { handle } = primary();
    try { return use(handle); } finally { flush(handle); }
  };
  let storageKeyName: string;
  try {
    const p = primary();
    flush(p.handle);
    storageKeyName = p.name;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return {
    storageKeyName,
    seal: (secret) => withPrimary((parent) => {
      const r = transmit('Create', CC.Create, [parent], Buffer.concat([sensitiveCreate(secret), sized(sealedTemplate()), sized(Buffer.alloc(0)), u32(0)]));
      r.u32(); // parameterSize
      return { private: Buffer.from(r.sized()), public: Buffer.from(r.sized()) };
    }),
    unseal: (blob) => withPrimary((parent) => {
      // TPM2_Load checks the blob's integrity with a key derived from the
      // parent: a blob from another TPM fails here (TPM_RC_INTEGRITY and kin).
      const loaded = transmit('Load', CC.Load, [parent], Buffer.concat([sized(blob.private), sized(blob.public)]), true, 'E_TPM_UNSEAL');
      const handle = loaded.u32();
      try {
        const r = transmit('Unseal', CC.Unseal, [handle], Buffer.alloc(0), true, 'E_TPM_UNSEAL');
        r.u32(); // parameterSize
        return Buffer.from(r.sized());
      } finally {
        flush(handle);
      }
    }),
    close: () => closeSync(fd),
  };
}
