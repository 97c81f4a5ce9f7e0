// `octant ledger verify`: the full check of a ledger directory, or of an
// exported file, naming the first bad position (seq and byte offset / line).

import { canonicalBytes } from '../../lib/canonical-json.ts';
import { openCheckpoint } from './checkpoint.ts';
import { isSeal, parseEntry } from './entry.ts';
import { leafHash, verifyInclusion } from './merkle.ts';
import { parseVerifierKey, type NoteVerifier } from './note.ts';
import { checkCheckpoints, readLedger } from './read.ts';
import { entryDigest, openClaim, type ExportClaim, type ExportScope } from './export-claim.ts';
import type { StoredRecord } from './records.ts';
import type { LedgerEntry } from './types.ts';

export interface VerifyProblem {
  seq: number;
  /** Byte offset in the segment file (directory) or line number (export). */
  offset?: number;
  line?: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  source: string;
  entries: number;
  partitions: number;
  checkpoints: number;
  /** Base64 root of all intact entries. */
  rootHash?: string;
  agent?: string;
  agentEntries?: number;
  sealed?: boolean;
  /** Export only: was the key given by the caller (authenticity checked), or taken from the file (integrity only)? */
  keyPinned?: boolean;
  /** Export only: what the signed claim says was exported. */
  scope?: string;
  problem?: VerifyProblem;
}

/** Check one partition's chain only (entries of other agents are skipped). */
function verifyPartition(records: readonly StoredRecord[], agent: string): { count: number; sealed: boolean; problem?: VerifyProblem } {
  let last = '';
  let count = 0;
  let sealed = false;
  for (let seq = 0; seq < records.length; seq++) {
    const { offset, payload } = records[seq]!;
    const entry = parseEntry(payload);
    if (entry === undefined) return { count, sealed, problem: { seq, offset, reason: 'record is not a ledger entry' } };
    if (entry.agent !== agent) continue;
    const stop = (reason: string) => ({ count, sealed, problem: { seq, offset, reason } });
    if (entry.seq !== seq) return stop(`entry says seq ${entry.seq} at position ${seq}`);
    if (sealed) return stop(`entry after the seal of partition ${agent}`);
    if (entry.prev !== last) return stop(`prev does not match the previous entry of partition ${agent}`);
    last = leafHash(payload).toString('hex');
    count++;
    sealed = isSeal(entry);
  }
  return { count, sealed };
}

/** Verify a ledger directory: frames, seqs, chains, seals, checkpoint signatures and roots. */
export function verifyLedgerDir(dir: string, options: { verifier?: () => NoteVerifier; agent?: string } = {}): VerifyReport {
  const snap = readLedger(dir);
  const { scan, replay } = snap;
  const report: VerifyReport = {
    ok: true,
    source: snap.file,
    entries: scan.records.length,
    partitions: replay.partitions.size,
    checkpoints: snap.checkpoints.length,
  };
  const fail = (problem: VerifyProblem): VerifyReport => ({ ...report, ok: false, problem });
  if (options.agent !== undefined) {
    const part = verifyPartition(scan.records, options.agent);
    Object.assign(report, { agent: options.agent, agentEntries: part.count, sealed: part.sealed });
    if (part.problem !== undefined) return fail(part.problem);
  } else if (replay.problem !== undefined) {
    return fail(replay.problem);
  }
  if (scan.problem !== undefined) {
    return fail({ seq: scan.records.length, offset: scan.problem.offset, reason: `${scan.problem.kind === 'torn' ? 'torn tail' : 'damaged record'}: ${scan.problem.reason}` });
  }
  if (options.agent === undefined) {
    report.rootHash = replay.tree.root().toString('base64');
    // The key is only needed (and only looked up) when there are checkpoints.
    const verifier = snap.checkpoints.length > 0 ? options.verifier?.() : undefined;
    for (const c of snap.checkpoints) {
      if (verifier === undefined) break;
      try {
        openCheckpoint(c.note, verifier);
      } catch (error) {
        return fail({ seq: c.size, offset: scan.end, reason: `checkpoint ${c.path}: ${(error as Error).message}` });
      }
    }
    const cp = checkCheckpoints(snap);
    if (cp !== undefined) {
      // Name the first entry not covered by the last checkpoint that still matches.
      const good = snap.checkpoints.filter((c) => c.size < cp.size && c.size <= replay.tree.size && replay.tree.root(c.size).equals(c.root)).at(-1)?.size ?? 0;
      const seq = Math.min(good, scan.records.length);
      return fail({ seq, offset: scan.records[seq]?.offset ?? scan.end, reason: `${cp.reason} (first bad entry at or after seq ${seq})` });
    }
  }
  return report;
}

interface ExportLine {
  type?: unknown;
  note?: unknown;
  key?: unknown;
  complete?: unknown;
  claim?: unknown;
  entry?: LedgerEntry;
  proof?: unknown;
}

function describeScope(scope: ExportScope): string {
  return scope.kind === 'agent' ? `partition ${scope.agent}` : scope.kind === 'all' ? 'the whole log' : 'a filtered selection';
}

/**
 * Verify an export (JSON lines: header with checkpoint and signed claim,
 * then entries with inclusion proofs). Without `pinnedKey` the key in the
 * file is used: that proves integrity (the file agrees with itself), not
 * authenticity (anyone can re-sign a forgery with their own key), and the
 * report says so (keyPinned: false).
 */
export function verifyExport(text: string, source: string, pinnedKey?: string): VerifyReport {
  const lines = text.split('\n').filter((l) => l !== '');
  const report: VerifyReport = { ok: true, source, entries: 0, partitions: 0, checkpoints: 1, keyPinned: pinnedKey !== undefined };
  const fail = (line: number, seq: number, reason: string): VerifyReport => ({ ...report, ok: false, problem: { seq, line, reason } });
  let header: ExportLine;
  try {
    header = JSON.parse(lines[0] ?? '') as ExportLine;
  } catch {
    return fail(1, 0, 'first line is not JSON');
  }
  if (header.type !== 'checkpoint' || typeof header.note !== 'string' || typeof header.key !== 'string') return fail(1, 0, 'first line is not a checkpoint header');
  if (typeof header.claim !== 'string') return fail(1, 0, 'the header has no signed export claim (an export from before claims were signed cannot show it is whole)');
  let size: number;
  let root: Buffer;
  let claim: ExportClaim;
  try {
    const verifier = parseVerifierKey(pinnedKey ?? header.key);
    const c = openCheckpoint(header.note, verifier);
    size = c.size;
    root = c.root;
    claim = openClaim(header.claim, verifier);
  } catch (error) {
    return fail(1, 0, (error as Error).message);
  }
  report.rootHash = root.toString('base64');
  report.scope = describeScope(claim.scope);
  if (claim.size !== size || !claim.root.equals(root)) return fail(1, 0, `the export claim is for checkpoint size ${claim.size}, not the checkpoint in the file (size ${size})`);
  // The unsigned flag must agree with the signed scope: a flipped flag is an altered file.
  const complete = claim.scope.kind !== 'filtered';
  if (header.complete !== complete) return fail(1, 0, `"complete": ${JSON.stringify(header.complete)} contradicts the signed claim (${describeScope(claim.scope)})`);
  const chains = new Map<string, string>();
  const partitions = new Set<string>();
  const digest = entryDigest();
  let lastSeq = -1;
  for (let i = 1; i < lines.length; i++) {
    let line: ExportLine;
    try {
      line = JSON.parse(lines[i]!) as ExportLine;
    } catch {
      return fail(i + 1, -1, 'line is not JSON');
    }
    const entry = line.entry;
    if (line.type !== 'entry' || typeof entry !== 'object' || entry === null || !Array.isArray(line.proof)) return fail(i + 1, -1, 'not an entry line');
    const seq = entry.seq;
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= size) return fail(i + 1, Number(seq), `seq ${seq} is outside the checkpoint (size ${size})`);
    if (seq <= lastSeq) return fail(i + 1, seq, `seq ${seq} does not follow seq ${lastSeq} (entries are exported in order, each once)`);
    lastSeq = seq;
    let leaf: Buffer;
    try {
      leaf = leafHash(canonicalBytes(entry));
      verifyInclusion(seq, size, leaf, (line.proof as string[]).map((p) => Buffer.from(String(p), 'base64')), root);
    } catch (error) {
      return fail(i + 1, seq, `entry is not in the checkpointed log: ${(error as Error).message}`);
    }
    if (claim.scope.kind === 'agent' && entry.agent !== claim.scope.agent) return fail(i + 1, seq, `entry of ${entry.agent} in an export of partition ${claim.scope.agent}`);
    if (claim.scope.kind === 'all' && seq !== report.entries) return fail(i + 1, seq, `seq ${report.entries} is missing from an export of the whole log`);
    // A complete export holds every entry of each partition it names, so
    // the chains must link up exactly.
    if (complete) {
      if (entry.prev !== (chains.get(entry.agent) ?? '')) return fail(i + 1, seq, `prev does not match the previous exported entry of partition ${entry.agent}`);
      chains.set(entry.agent, leaf.toString('hex'));
    }
    digest.update(leaf);
    partitions.add(entry.agent);
    report.entries++;
  }
  report.partitions = partitions.size;
  const end = lines.length + 1;
  // Truncation: the claim counts what was exported; a whole-log export must hold every entry the checkpoint covers.
  if (report.entries !== claim.entries) return fail(end, lastSeq + 1, `truncated or padded: the signed claim lists ${claim.entries} entries, the file holds ${report.entries}`);
  if (claim.scope.kind === 'all' && report.entries !== size) return fail(end, report.entries, `truncated: the checkpoint covers ${size} entries, this export of the whole log holds ${report.entries}`);
  if (!digest.digest().equals(claim.digest)) return fail(end, -1, 'the exported entries are not the ones the claim signed (digest differs)');
  return report;
}
