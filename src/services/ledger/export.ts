// `octant ledger export`: JSON lines that verify offline. Line 1 is the
// checkpoint (signed note + the log's verifier key); each further line is
// one entry with its RFC 6962 inclusion proof against that checkpoint.
// `complete` says whole partitions were exported (no kind/time filter), so
// the verifier also checks their hash chains.

import type { MerkleTree } from './merkle.ts';
import { formatVerifierKey, type NoteVerifier } from './note.ts';
import type { LedgerEntry } from './types.ts';

export interface ExportInput {
  note: string;
  size: number;
  key: NoteVerifier;
  tree: MerkleTree;
  entries: readonly LedgerEntry[];
  complete: boolean;
}

export function* exportLines(input: ExportInput): Generator<string> {
  yield JSON.stringify({ type: 'checkpoint', note: input.note, key: formatVerifierKey(input.key), complete: input.complete });
  for (const entry of input.entries) {
    if (entry.seq >= input.size) break;
    const proof = input.tree.inclusionProof(entry.seq, input.size).map((p) => p.toString('base64'));
    yield JSON.stringify({ type: 'entry', entry, proof });
  }
}
