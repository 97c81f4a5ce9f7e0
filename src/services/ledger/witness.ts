// A witness: a second key that countersigns the log's checkpoints, but only
// after checking that the new checkpoint extends the last one it signed
// (RFC 9162 §2.1.4 consistency proof). It keeps its own state (key + last
// signed origin, size and root) so a rolled-back or forked log is refused.
// The countersignature is a C2SP tlog-cosignature/v1 line (Ed25519, with a
// timestamp; witness-cosignature.ts) appended to the checkpoint note.

import { createPrivateKey, generateKeyPairSync, sign, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { rawPublicKey } from '../../lib/raw-public-key.ts';
import { openCheckpoint } from './checkpoint.ts';
import { verifyConsistency } from './merkle.ts';
import { type NoteSigner, type NoteVerifier } from './note.ts';
import { cosignNote, formatCosignerKey } from './witness-cosignature.ts';

export interface WitnessState {
  origin: string;
  size: number;
  /** Base64 root hash of the last checkpoint this witness signed. */
  root: string;
}

export interface Witness {
  dir: string;
  signer: NoteSigner;
  state: WitnessState | undefined;
}

/** Load (or create on first use) the witness key and state in `dir`. */
export function loadWitness(dir: string, name: string): Witness {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, 'witness.key');
  if (!existsSync(keyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileAtomic(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  }
  if ((statSync(keyFile).mode & 0o077) !== 0) {
    throw new OctantError('E_WITNESS_KEY_MODE', `${keyFile}: readable by others`, { hint: `chmod 600 ${keyFile}` });
  }
  const privateKey = createPrivateKey(readFileSync(keyFile));
  const stateFile = join(dir, 'witness.json');
  const state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as WitnessState) : undefined;
  return {
    dir,
    signer: { name, publicKeyRaw: rawPublicKey(createPublicKey(privateKey)), sign: (data) => sign(null, data, privateKey) },
    state,
  };
}

function refused(code: string, message: string): OctantError {
  return new OctantError(code, `witness: ${message}`, { exit: EXIT.denied });
}

/** The witness's verifier key (signed-note vkey, type 0x04), for whoever checks its cosignatures. */
export function witnessVerifierKey(witness: Witness): string {
  return formatCosignerKey(witness.signer);
}

export interface WitnessOptions {
  /** POSIX seconds to put in the cosignature; default now. */
  now?: () => number;
}

/**
 * Countersign `note` if it is signed by the log and consistent with the last
 * checkpoint this witness signed; `proof` goes from that size to the new one.
 * Returns the note with the witness's cosignature added and saves the new state.
 */
export function witnessCheckpoint(witness: Witness, note: string, log: NoteVerifier, proof: readonly Uint8Array[], options: WitnessOptions = {}): string {
  const c = openCheckpoint(note, log);
  const last = witness.state;
  if (last !== undefined) {
    const lastRoot = Buffer.from(last.root, 'base64');
    if (c.origin !== last.origin) throw refused('E_WITNESS_ORIGIN', `checkpoint is for log '${c.origin}', this witness follows '${last.origin}'`);
    if (c.size < last.size) throw refused('E_WITNESS_ROLLBACK', `rolled back: checkpoint size ${c.size} is below size ${last.size} already witnessed`);
    if (c.size === last.size && !c.root.equals(lastRoot)) throw refused('E_WITNESS_FORK', `forked: size ${c.size} has a different root than the one witnessed`);
    if (last.size > 0 && c.size > last.size) {
      try {
        verifyConsistency(last.size, c.size, proof, lastRoot, c.root);
      } catch (error) {
        throw refused('E_WITNESS_INCONSISTENT', `forked: checkpoint ${c.size} does not extend witnessed checkpoint ${last.size} (${(error as Error).message})`);
      }
    }
  }
  const cosigned = cosignNote(note, witness.signer, (options.now ?? (() => Math.floor(Date.now() / 1000)))());
  const state: WitnessState = { origin: c.origin, size: c.size, root: c.root.toString('base64') };
  writeFileAtomic(join(witness.dir, 'witness.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  witness.state = state;
  return cosigned;
}
