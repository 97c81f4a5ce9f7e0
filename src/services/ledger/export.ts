// `octant ledger export`: JSON lines that verify offline. Line 1 is the
// header: the checkpoint (signed note), the log's verifier key, `complete`
// and the signed export claim (export-claim.ts: scope, entry count and a
// digest of the exported entries, so cutting lines off or flipping
// `complete` is caught). Each further line is one entry with its RFC 6962
// inclusion proof against that checkpoint. `complete` says whole partitions
// were exported (no kind/time filter), so the verifier also checks their
// hash chains; it is informative only, the claim's scope is what counts.

import { entryDigest, signClaim, type ExportScope } from './export-claim.ts';
import type { MerkleTree } from './merkle.ts';
import { formatVerifierKey, type NoteSigner } from './note.ts';
import type { LedgerEntry } from './types.ts';

export interface ExportInput {
  note: string;
  size: number;
  /** The log key: signs the claim; its public half goes in the header. */
  signer: NoteSigner;
  tree: MerkleTree;
  entries: readonly LedgerEntry[];
  scope: ExportScope;
}

export function* exportLines(input: ExportInput): Generator<string> {
  const { tree, size } = input;
  const entries = input.entries.filter((e) => e.seq < size);
  const digest = entryDigest();
  for (const entry of entries) digest.update(tree.leaf(entry.seq));
  const claim = signClaim({ size, root: tree.root(size), scope: input.scope, entries: entries.length, digest: digest.digest() }, input.signer);
  yield JSON.stringify({ type: 'checkpoint', note: input.note, key: formatVerifierKey(input.signer), complete: input.scope.kind !== 'filtered', claim });
  for (const entry of entries) {
    const proof = tree.inclusionProof(entry.seq, size).map((p) => p.toString('base64'));
    yield JSON.stringify({ type: 'entry', entry, proof });
  }
}
