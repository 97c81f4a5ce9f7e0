// Signed checkpoints in the C2SP tlog-checkpoint format (c2sp.org/tlog-checkpoint):
//   <origin>\n<tree size, decimal>\n<base64 root hash>\n[extension lines]
// signed as a signed note by the machine key. Every published checkpoint is
// kept (checkpoints/<size>.note) so a later truncation below any of them is
// caught, and so witnesses can ask for consistency from an old size.

import { readdirSync, readFileSync } from 'node:fs';
import { makePrivateDir } from '../../lib/private-files.ts';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { OctantError } from '../../lib/errors.ts';
import { HASH_SIZE } from './merkle.ts';
import { parseNote, signNote, verifyNote, type NoteSigner, type NoteVerifier } from './note.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  extensions: string[];
}

export interface StoredCheckpoint extends Checkpoint {
  note: string;
  path: string;
}

export function formatCheckpoint(c: Checkpoint): string {
  if (c.origin === '' || c.origin.includes('\n')) throw new OctantError('E_CHECKPOINT_FORMAT', 'checkpoint origin must be one non-empty line');
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n${c.extensions.map((e) => `${e}\n`).join('')}`;
}

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  const bad = (what: string): OctantError => new OctantError('E_CHECKPOINT_FORMAT', `checkpoint: ${what}`);
  if (lines.length < 4 || lines.at(-1) !== '') throw bad('needs origin, size and root hash lines, each ending in a newline');
  const [origin, sizeText, rootText, ...rest] = lines;
  const extensions = rest.slice(0, -1);
  if (origin === '') throw bad('empty origin line');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText!) || !Number.isSafeInteger(Number(sizeText))) throw bad(`tree size '${sizeText}' is not a decimal number`);
  const root = Buffer.from(rootText!, 'base64');
  if (root.length !== HASH_SIZE || root.toString('base64') !== rootText) throw bad('root hash is not 32 bytes of standard base64');
  if (extensions.some((e) => e === '')) throw bad('empty extension line');
  return { origin: origin!, size: Number(sizeText), root, extensions };
}

/** Verify a checkpoint note's signature by `verifier` and parse it. */
export function openCheckpoint(note: string, verifier: NoteVerifier): Checkpoint {
  return parseCheckpoint(verifyNote(note, verifier));
}

export function checkpointDir(ledgerDir: string): string {
  return join(ledgerDir, 'checkpoints');
}

function fileName(size: number): string {
  return `${String(size).padStart(16, '0')}.note`;
}

/** Write a checkpoint note durably (temp file, fsync, rename, fsync dir). */
export function storeCheckpoint(ledgerDir: string, size: number, note: string): string {
  const dir = checkpointDir(ledgerDir);
  makePrivateDir(dir);
  const path = join(dir, fileName(size));
  writeFileAtomic(path, note);
  return path;
}

/** Every stored checkpoint, oldest first; the signatures are not checked here. */
export function listCheckpoints(ledgerDir: string): StoredCheckpoint[] {
  const dir = checkpointDir(ledgerDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^[0-9]{16}\.note$/.test(n)).sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const path = join(dir, name);
    const note = readFileSync(path, 'utf8');
    const c = parseCheckpoint(parseNote(note).text);
    if (fileName(c.size) !== name) throw new OctantError('E_CHECKPOINT_FORMAT', `${path}: holds size ${c.size}, not the size its name says`);
    return { ...c, note, path };
  });
}

export function latestCheckpoint(ledgerDir: string): StoredCheckpoint | undefined {
  return listCheckpoints(ledgerDir).at(-1);
}

/** Sign and store a checkpoint of a tree of `size` entries with root `root`. */
export function publishCheckpoint(ledgerDir: string, size: number, root: Buffer, signer: NoteSigner): StoredCheckpoint {
  const checkpoint: Checkpoint = { origin: signer.name, size, root, extensions: [] };
  const note = signNote(formatCheckpoint(checkpoint), signer);
  return { ...checkpoint, note, path: storeCheckpoint(ledgerDir, size, note) };
}
