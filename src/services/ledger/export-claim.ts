// The signed claim of an export: what the file holds, signed by the log key
// as a C2SP signed note, so that nothing in an export is left unsigned.
// The checkpoint alone commits to the log, not to the export: cutting the
// last lines off (a seal among them) or flipping an unsigned "complete"
// flag would still verify. The claim's text:
//
//   octant-ledger-export/v1
//   checkpoint <tree size> <base64 root hash>
//   scope all | agent <JSON string AID> | filtered
//   entries <count>
//   digest <base64 SHA-256 of the exported entries' leaf hashes, in order>
//
// The first line differs from any checkpoint's layout (line 2 is not a
// decimal size), so a claim can never pass for a checkpoint or the reverse.
// The digest binds exactly which entries were exported, in which order; the
// count makes a truncation say so plainly.

import { createHash, type Hash } from 'node:crypto';
import { OctantError } from '../../lib/errors.ts';
import { HASH_SIZE } from './merkle.ts';
import { signNote, verifyNote, type NoteSigner, type NoteVerifier } from './note.ts';

const MAGIC = 'octant-ledger-export/v1';

/** all: every entry of the checkpointed log; agent: one whole partition; filtered: a selection (kind, time). */
export type ExportScope = { kind: 'all' } | { kind: 'agent'; agent: string } | { kind: 'filtered' };

export interface ExportClaim {
  size: number;
  root: Buffer;
  scope: ExportScope;
  entries: number;
  /** SHA-256 over the exported entries' leaf hashes, concatenated in export order. */
  digest: Buffer;
}

/** Running digest of leaf hashes (the export side and the verifier build it the same way). */
export function entryDigest(): Hash {
  return createHash('sha256');
}

function scopeLine(scope: ExportScope): string {
  return scope.kind === 'agent' ? `agent ${JSON.stringify(scope.agent)}` : scope.kind;
}

export function signClaim(claim: ExportClaim, signer: NoteSigner): string {
  const text = [MAGIC, `checkpoint ${claim.size} ${claim.root.toString('base64')}`, `scope ${scopeLine(claim.scope)}`, `entries ${claim.entries}`, `digest ${claim.digest.toString('base64')}`, ''].join('\n');
  return signNote(text, signer);
}

function bad(what: string): OctantError {
  return new OctantError('E_LEDGER_EXPORT', `export claim: ${what}`);
}

function base64Hash(text: string | undefined, what: string): Buffer {
  const bytes = Buffer.from(text ?? '', 'base64');
  if (bytes.length !== HASH_SIZE || bytes.toString('base64') !== text) throw bad(`${what} is not 32 bytes of standard base64`);
  return bytes;
}

function count(text: string | undefined, what: string): number {
  if (text === undefined || !/^(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text))) throw bad(`${what} '${text}' is not a decimal number`);
  return Number(text);
}

function parseScope(text: string): ExportScope {
  if (text === 'all' || text === 'filtered') return { kind: text };
  if (text.startsWith('agent ')) {
    let agent: unknown;
    try {
      agent = JSON.parse(text.slice('agent '.length));
    } catch {
      agent = undefined;
    }
    if (typeof agent === 'string' && agent !== '') return { kind: 'agent', agent };
  }
  throw bad(`scope '${text.slice(0, 60)}' is not all, filtered or agent "<AID>"`);
}

/** Check the claim's signature by `verifier` and parse it; E_NOTE_SIGNATURE or E_LEDGER_EXPORT when it is not one. */
export function openClaim(note: string, verifier: NoteVerifier): ExportClaim {
  const lines = verifyNote(note, verifier).split('\n');
  if (lines.length !== 6 || lines[0] !== MAGIC || lines[5] !== '') throw bad(`not an ${MAGIC} claim`);
  const field = (i: number, name: string): string => {
    if (!lines[i]!.startsWith(`${name} `)) throw bad(`line ${i + 1} should start with '${name} '`);
    return lines[i]!.slice(name.length + 1);
  };
  const [size, root, extra] = field(1, 'checkpoint').split(' ');
  if (extra !== undefined) throw bad('checkpoint line has more than a size and a root');
  return {
    size: count(size, 'checkpoint size'),
    root: base64Hash(root, 'checkpoint root'),
    scope: parseScope(field(2, 'scope')),
    entries: count(field(3, 'entries'), 'entry count'),
    digest: base64Hash(field(4, 'digest'), 'digest'),
  };
}
