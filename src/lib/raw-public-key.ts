// The 32 raw bytes of an Ed25519 public key, as fingerprints, key ids,
// checkpoint signers and trusted-key files carry it.

import type { KeyObject } from 'node:crypto';
import { OctantError } from './errors.ts';

export function rawPublicKey(key: KeyObject): Buffer {
  // The JWK's `x` is the raw public key (RFC 8037 section 2); exporting it
  // skips OpenSSL's encoder, ~7x faster than taking the tail of the SPKI DER.
  const { kty, crv, x } = key.export({ format: 'jwk' });
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string') throw new OctantError('E_KEY_TYPE', `expected an Ed25519 public key, got ${kty}/${crv}`);
  return Buffer.from(x, 'base64url');
}
