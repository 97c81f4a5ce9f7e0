// `octant ledger verify`: the full check of a ledger directory, or of an
// exported file, naming the first bad position (seq and byte offset / line).

import { canonicalBytes } from '../../lib/canonical-json.ts';
import { openCheckpoint } from './checkpoint.ts';
import { isSeal, parseEntry } from './entry.ts';
import { leafHash, verifyInclusion } from './merkle.ts';
import { parseVerifierKey, type NoteVerifier } from './note.ts';
import { checkCheckpoints, readLedger } from './read.ts';
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
  keyPinned?: boolean;
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
  entry?: LedgerEntry;
  proof?: unknown;
}

/** Verify an export (JSON lines: checkpoint header, then entries with inclusion proofs). */
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
  let size: number;
  let root: Buffer;
  try {
    const c = openCheckpoint(header.note, parseVerifierKey(pinnedKey ?? header.key));
    size = c.size;
    root = c.root;
  } catch (error) {
    return fail(1, 0, (error as Error).message);
  }
  report.rootHash = root.toString('base64');
  const chains = new Map<string, string>();
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
    let leaf: Buffer;
    try {
      leaf = leafHash(canonicalBytes(entry));
      verifyInclusion(seq, size, leaf, (line.proof as string[]).map((p) => Buffer.from(String(p), 'base64')), root);
    } catch (error) {
      return fail(i + 1, seq, `entry is not in the checkpointed log: ${(error as Error).message}`);
    }
    // A complete export holds every entry of each partition it names, so
    // the chains must link up exactly.
    if (header.complete === true) {
      if (entry.prev !== (chains.get(entry.agent) ?? '')) return fail(i + 1, seq, `prev does not match the previous exported entry of partition ${entry.agent}`);
      chains.set(entry.agent, leaf.toString('hex'));
    }
    report.entries++;
  }
  report.partitions = new Set(lines.slice(1).map((l) => (JSON.parse(l) as ExportLine).entry?.agent)).size;
  return report;
}
