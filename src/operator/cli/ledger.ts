// octant ledger: read, verify, prove, checkpoint, export and witness the
// action ledger. Works offline on the files (no running service needed);
// only `checkpoint`, `export` and `witness` write (a checkpoint note), and
// they never touch the segment file.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringFlag, boolFlag, requirePositional, type Parsed } from '../../lib/args.ts';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import { safeField } from '../../lib/safe-text.ts';
import type { Paths } from '../../runtime/paths.ts';
import { checkCheckpoints, exportLines, latestCheckpoint, ledgerDir, loadWitness, machineSigner, machineVerifier, openCheckpoint, parseVerifierKey, publishCheckpoint, readLedger, storeCheckpoint, verifyExport, verifyInclusion, verifyLedgerDir, witnessCheckpoint, type LedgerSnapshot, type NoteVerifier, type StoredCheckpoint, type VerifyReport } from '../../services/ledger/api.ts';
import type { ExportScope, LedgerEntry } from '../../services/ledger/api.ts';
import type { Action, Command, OptionSpecs } from './command.ts';

const FILTERS: OptionSpecs = {
  agent: { type: 'string', value: 'AID', help: "only this agent's entries" },
  kind: { type: 'string', value: 'KIND', help: 'only entries of this kind' },
  since: { type: 'string', value: 'TIME', help: 'only entries at or after TIME (ISO 8601, or 30s/15m/2h/7d ago)' },
  until: { type: 'string', value: 'TIME', help: 'only entries at or before TIME' },
  json: { type: 'boolean', help: 'one JSON object per line' },
};
const JSON_OUTPUT = { json: { type: 'boolean', help: 'print the result as JSON' } } as const;

function parseTime(flag: string, value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const rel = /^([0-9]+)([smhd])$/.exec(value);
  if (rel !== null) return now - Number(rel[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw usageError(`ledger: --${flag} '${value}' is not an ISO 8601 time or a duration like 15m`);
  return t;
}

function filterOf(parsed: Parsed): (e: LedgerEntry) => boolean {
  const agent = stringFlag(parsed, 'agent');
  const kind = stringFlag(parsed, 'kind');
  const now = Date.now();
  const since = parseTime('since', stringFlag(parsed, 'since'), now);
  const until = parseTime('until', stringFlag(parsed, 'until'), now);
  return (e) => {
    if (agent !== undefined && e.agent !== agent) return false;
    if (kind !== undefined && e.kind !== kind) return false;
    const t = Date.parse(e.time);
    return (since === undefined || t >= since) && (until === undefined || t <= until);
  };
}

function printEntries(io: Io, entries: readonly LedgerEntry[], json: boolean): void {
  for (const e of entries) {
    if (json) writeLine(io.stdout, JSON.stringify(e));
    // Every field may hold an agent's text: each is escaped and marked (lib/safe-text.ts).
    else writeLine(io.stdout, [String(e.seq), e.time, e.agent, e.kind, e.action, e.target || '-', e.decision, JSON.stringify(e.detail)].map(safeField).join('  '));
  }
}

/** Read the log and refuse to work on a damaged one. */
function intactLedger(paths: Paths, sync = false): LedgerSnapshot {
  const snap = readLedger(ledgerDir(paths), { keepEntries: true, sync });
  const problem = snap.replay.problem ?? (snap.scan.problem?.kind === 'corrupt' ? { seq: snap.scan.records.length, offset: snap.scan.problem.offset, reason: snap.scan.problem.reason } : undefined);
  if (problem !== undefined) {
    throw new OctantError('E_LEDGER_CORRUPT', `${snap.file}: ${problem.reason} (seq ${problem.seq}, byte offset ${problem.offset})`, { hint: "run 'octant ledger verify'" });
  }
  const cp = checkCheckpoints(snap);
  if (cp !== undefined) throw new OctantError('E_LEDGER_TRUNCATED', `${snap.file}: ${cp.reason}`);
  return snap;
}

/** The latest checkpoint if it covers the whole log, else a new one. */
function currentCheckpoint(paths: Paths, snap: LedgerSnapshot): StoredCheckpoint {
  const latest = snap.checkpoints.at(-1);
  if (latest !== undefined && latest.size === snap.replay.tree.size) return latest;
  return publishCheckpoint(snap.dir, snap.replay.tree.size, snap.replay.tree.root(), machineSigner(paths));
}

/**
 * Exit codes of verify: 0 verified; 1 a check failed; 4 (denied) an export
 * that is intact but whose key came from the file itself, so nothing shows
 * who wrote it: a forger re-signs with a key of their own and passes every
 * other check. `--no-key` accepts that (exit 0, with the warning).
 */
function printReport(io: Io, report: VerifyReport, json: boolean, acceptUnpinned = false): number {
  const unauthenticated = report.ok && report.keyPinned === false;
  if (json) writeJson(io.stdout, { ...report, ...(report.keyPinned === undefined ? {} : { authenticated: report.keyPinned }) });
  else if (report.ok) {
    const scope = report.agent !== undefined ? `partition ${report.agent}: ${report.agentEntries} entries${report.sealed ? ' (sealed)' : ''}, ` : '';
    // An export's scope and problems can quote an agent name from the file: escaped.
    const exported = report.scope !== undefined ? ` (export of ${safeField(report.scope)})` : '';
    writeLine(io.stdout, `${unauthenticated ? 'intact, NOT authenticated' : 'ok'}: ${report.source}${exported}: ${scope}${report.entries} entries, ${report.partitions} partitions, ${report.checkpoints} checkpoint(s)${report.rootHash ? `, root ${report.rootHash}` : ''}`);
    if (unauthenticated) {
      writeLine(io.stderr, `${acceptUnpinned ? 'warning' : 'error'}: authenticity NOT checked: the log key was taken from the file itself, so anyone could have written it;`);
      writeLine(io.stderr, "  pin the key with --key (print it with 'octant identity --verifier-key' on the machine that wrote the log)" + (acceptUnpinned ? '' : ', or pass --no-key to accept an integrity-only check'));
    }
  } else {
    const p = report.problem!;
    const where = p.line !== undefined ? `line ${p.line}` : `byte offset ${p.offset}`;
    writeLine(io.stdout, `FAILED: ${report.source}: first bad position: seq ${p.seq}, ${where}: ${safeField(p.reason)}`);
  }
  if (!report.ok) return EXIT.failure;
  return unauthenticated && !acceptUnpinned ? EXIT.denied : EXIT.ok;
}

const SUBCOMMANDS: readonly Action[] = [
  {
    name: 'show',
    summary: 'every matching entry',
    synopsis: ['[filters] [--json]'],
    options: FILTERS,
    positionals: false,
    async run(parsed, { io, paths }) {
      printEntries(io, readLedger(ledgerDir(paths()), { keepEntries: true }).replay.entries.filter(filterOf(parsed)), boolFlag(parsed, 'json'));
      return EXIT.ok;
    },
  },
  {
    name: 'tail',
    summary: 'the last N (default 10) matching entries',
    synopsis: ['[-n N] [filters] [--json]'],
    options: { lines: { type: 'string', short: 'n', value: 'N', help: 'how many (default 10)' }, ...FILTERS },
    positionals: false,
    async run(parsed, { io, paths }) {
      const n = Number(stringFlag(parsed, 'lines') ?? '10');
      if (!Number.isInteger(n) || n < 0) throw usageError(`ledger tail: -n '${stringFlag(parsed, 'lines')}' is not a count`);
      const matching = readLedger(ledgerDir(paths()), { keepEntries: true }).replay.entries.filter(filterOf(parsed));
      printEntries(io, n === 0 ? [] : matching.slice(-n), boolFlag(parsed, 'json'));
      return EXIT.ok;
    },
  },
  {
    name: 'grep',
    summary: 'entries whose JSON matches the regular expression (exit 1 when none does)',
    synopsis: ['PATTERN [filters] [--json]'],
    options: FILTERS,
    async run(parsed, { io, paths }) {
      const source = requirePositional(parsed, 0, 'PATTERN', 'ledger grep');
      let pattern: RegExp;
      try {
        pattern = new RegExp(source);
      } catch (error) {
        throw usageError(`ledger grep: PATTERN: ${(error as Error).message}`);
      }
      const keep = filterOf(parsed);
      const hits = readLedger(ledgerDir(paths()), { keepEntries: true }).replay.entries.filter((e) => keep(e) && pattern.test(JSON.stringify(e)));
      printEntries(io, hits, boolFlag(parsed, 'json'));
      return hits.length > 0 ? EXIT.ok : EXIT.failure;
    },
  },
  {
    name: 'verify',
    summary: 'check frames, seqs, chains, seals and checkpoints; or an export against the log\'s key',
    synopsis: ['[--agent AID] [--key VKEY] [--json]', '--file EXPORT (--key VKEY | --no-key) [--json]'],
    options: {
      agent: { type: 'string', value: 'AID', help: "check this agent's partition and seal" },
      file: { type: 'string', value: 'EXPORT', help: "check an export (octant ledger export) offline" },
      key: { type: 'string', value: 'VKEY', help: "the log's verifier key (octant identity --verifier-key prints it)" },
      'no-key': { type: 'boolean', help: 'accept an integrity-only check of an export (its key is not pinned)' },
      ...JSON_OUTPUT,
    },
    notes: 'Exit 0 verified, 1 a check failed, 4 an intact export whose key was not pinned with --key (unless --no-key).',
    positionals: false,
    async run(parsed, { io, paths }) {
      const file = stringFlag(parsed, 'file');
      const key = stringFlag(parsed, 'key');
      const noKey = boolFlag(parsed, 'no-key');
      if (noKey && (key !== undefined || file === undefined)) throw usageError('ledger verify: --no-key goes with --file and without --key');
      if (file !== undefined) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (error) {
          throw new OctantError('E_LEDGER_EXPORT', `--file ${file}: ${(error as Error).message}`, { exit: EXIT.unavailable });
        }
        return printReport(io, verifyExport(text, file, key), boolFlag(parsed, 'json'), noKey);
      }
      const verifier = (): NoteVerifier => (key !== undefined ? parseVerifierKey(key) : machineVerifier(paths()));
      return printReport(io, verifyLedgerDir(ledgerDir(paths()), { verifier, agent: stringFlag(parsed, 'agent') }), boolFlag(parsed, 'json'));
    },
  },
  {
    name: 'proof',
    summary: 'inclusion proof of entry SEQ against the latest checkpoint',
    synopsis: ['SEQ [--json]'],
    options: JSON_OUTPUT,
    async run(parsed, { io, paths }) {
      const text = requirePositional(parsed, 0, 'SEQ', 'ledger proof');
      const seq = Number(text);
      if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(seq)) throw usageError(`ledger proof: SEQ '${text}' is not an entry number`);
      const snap = intactLedger(paths());
      const latest = snap.checkpoints.at(-1);
      if (latest === undefined || seq >= latest.size) {
        throw new OctantError('E_LEDGER_NOT_CHECKPOINTED', `ledger proof: seq ${seq} is not covered by a checkpoint (latest covers ${latest?.size ?? 0} entries)`, {
          hint: "run 'octant ledger checkpoint' first",
        });
      }
      const c = openCheckpoint(latest.note, machineVerifier(paths()));
      const leaf = snap.replay.tree.leaf(seq);
      const proof = snap.replay.tree.inclusionProof(seq, c.size);
      verifyInclusion(seq, c.size, leaf, proof, c.root);
      const out = { seq, treeSize: c.size, leafHash: leaf.toString('base64'), rootHash: c.root.toString('base64'), proof: proof.map((p) => p.toString('base64')), checkpoint: latest.note };
      if (boolFlag(parsed, 'json')) writeJson(io.stdout, out);
      else io.stdout.write(`seq ${seq} in tree of size ${c.size}\nleaf ${out.leafHash}\nroot ${out.rootHash}\n${out.proof.map((p, i) => `proof[${i}] ${p}`).join('\n')}\n\n${latest.note}`);
      return EXIT.ok;
    },
  },
  {
    name: 'checkpoint',
    summary: 'publish and print a signed checkpoint of the log',
    options: JSON_OUTPUT,
    positionals: false,
    async run(parsed, { io, paths }) {
      const c = currentCheckpoint(paths(), intactLedger(paths(), true));
      if (boolFlag(parsed, 'json')) writeJson(io.stdout, { size: c.size, rootHash: c.root.toString('base64'), note: c.note, path: c.path });
      else io.stdout.write(c.note);
      return EXIT.ok;
    },
  },
  {
    name: 'export',
    summary: 'JSON lines: a checkpoint, then the entries with their proofs',
    synopsis: ['[filters] [--out FILE]'],
    options: { ...FILTERS, out: { type: 'string', value: 'FILE', help: 'write to FILE instead of stdout' } },
    positionals: false,
    async run(parsed, { io, paths }) {
      const snap = intactLedger(paths(), true);
      const c = currentCheckpoint(paths(), snap);
      const agent = stringFlag(parsed, 'agent');
      const filtered = ['kind', 'since', 'until'].some((f) => stringFlag(parsed, f) !== undefined);
      const scope: ExportScope = filtered ? { kind: 'filtered' } : agent !== undefined ? { kind: 'agent', agent } : { kind: 'all' };
      const lines = [...exportLines({ note: c.note, size: c.size, signer: machineSigner(paths()), tree: snap.replay.tree, entries: snap.replay.entries.filter(filterOf(parsed)), scope })];
      const text = `${lines.join('\n')}\n`;
      const out = stringFlag(parsed, 'out');
      if (out === undefined) io.stdout.write(text);
      else writeFileSync(out, text, { mode: 0o644 });
      return EXIT.ok;
    },
  },
  {
    name: 'witness',
    summary: 'countersign the latest checkpoint if it extends the last one witnessed',
    options: {
      'witness-dir': { type: 'string', value: 'DIR', help: "the witness's key and state (default STATE/witness)" },
      name: { type: 'string', value: 'NAME', help: "the witness's name (default octant-witness)" },
      ...JSON_OUTPUT,
    },
    positionals: false,
    async run(parsed, { io, paths }) {
      const p = paths();
      const witness = loadWitness(stringFlag(parsed, 'witness-dir') ?? join(p.state, 'witness'), stringFlag(parsed, 'name') ?? 'octant-witness');
      const snap = readLedger(ledgerDir(p));
      const latest = latestCheckpoint(snap.dir);
      if (latest === undefined) throw new OctantError('E_LEDGER_NOT_CHECKPOINTED', 'ledger witness: no checkpoint published yet', { hint: "run 'octant ledger checkpoint'" });
      const last = witness.state?.size ?? 0;
      const tree = snap.replay.tree;
      const canProve = last > 0 && last < latest.size && latest.size <= tree.size;
      const proof = canProve ? tree.consistencyProof(last, latest.size) : [];
      const cosigned = witnessCheckpoint(witness, latest.note, machineVerifier(p), proof);
      storeCheckpoint(snap.dir, latest.size, cosigned);
      if (boolFlag(parsed, 'json')) writeJson(io.stdout, { size: latest.size, from: last, note: cosigned });
      else io.stdout.write(cosigned);
      return EXIT.ok;
    },
  },
];

export const command: Command = {
  name: 'ledger',
  summary: 'query, verify, prove, checkpoint, export and witness the action ledger',
  subcommands: SUBCOMMANDS,
  notes: 'filters: --agent AID  --kind KIND  --since TIME  --until TIME   (TIME: ISO 8601, or 30s/15m/2h/7d ago)',
};
