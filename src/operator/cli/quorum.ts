// octant quorum list|show|explain|panel: how critical actions were decided
// by the panel of models, and who sits on it (docs/governance.md).
// Decisions are read from the state directory (no running system needed);
// the panel is changed through the running system, which records each change
// in the ledger before it is in force.

import { boolFlag, numberFlag, parseCommandArgs, requirePositional, stringFlag, type Parsed } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import { safeField } from '../../lib/safe-text.ts';
import { adminCall } from '../../runtime/admin/client.ts';
import { resolvePaths, type Paths } from '../../runtime/paths.ts';
import { DecisionStore, decisionsDir, explainDecision, loadPanel, summaryLine, type Voter } from '../../services/quorum/index.ts';
import type { Command } from './command.ts';
import { pickSubcommand } from './subcommand.ts';

const USAGE = `usage: octant quorum <subcommand> [options]

  list [--limit N] [--json]        recent decisions on critical actions, newest first
  show ID [--json]                 one decision: proposal, ballots, tally, outcome
  explain ID                       how it was reached, step by step
  panel list [--json]              the voters
  panel add NAME --model M [--weight W] [--family F]
                                   add (or replace) a voter: M is a router route or
                                   deployment id; F its provider or model family
                                   (default M); approvals need two families
  panel rm NAME                    remove a voter

panel add and rm go through the running system (recorded in the ledger first).
With no voters every critical action goes to a human ('octant approvals').`;

type Run = (parsed: Parsed, paths: Paths, io: Io) => Promise<number> | number;

function voterLine(v: Voter): string {
  return `${v.name.padEnd(16)} ${v.model.padEnd(24)} weight ${String(v.weight).padEnd(6)} family ${v.family}`;
}

function printPanel(io: Io, panel: readonly Voter[], json: boolean): void {
  if (json) writeJson(io.stdout, panel);
  else if (panel.length === 0) writeLine(io.stdout, 'no voters: every critical action goes to a human');
  else for (const v of panel) writeLine(io.stdout, voterLine(v));
}

const PANEL: Record<string, Run> = {
  list: (parsed, paths, io) => {
    printPanel(io, loadPanel(paths), boolFlag(parsed, 'json'));
    return 0;
  },
  add: async (parsed, paths, io) => {
    const name = requirePositional(parsed, 1, 'NAME', 'quorum panel add');
    const model = stringFlag(parsed, 'model');
    if (model === undefined) throw usageError('quorum panel add: --model M is required (a router route or deployment id)');
    const weight = numberFlag(parsed, 'weight', 'quorum panel add');
    const family = stringFlag(parsed, 'family');
    const panel = await adminCall<Voter[]>(paths, 'POST', '/v1/quorum/panel/add', { name, model, ...(weight === undefined ? {} : { weight }), ...(family === undefined ? {} : { family }) });
    printPanel(io, panel, false);
    return 0;
  },
  rm: async (parsed, paths, io) => {
    const panel = await adminCall<Voter[]>(paths, 'POST', '/v1/quorum/panel/rm', { name: requirePositional(parsed, 1, 'NAME', 'quorum panel rm') });
    printPanel(io, panel, false);
    return 0;
  },
};

const SUBCOMMANDS: Record<string, Run> = {
  list: (parsed, paths, io) => {
    const limit = numberFlag(parsed, 'limit', 'quorum list') ?? 20;
    if (!Number.isInteger(limit) || limit < 1) throw usageError('quorum list: --limit expects a positive integer');
    const decisions = new DecisionStore(decisionsDir(paths)).list(limit);
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, decisions);
    else if (decisions.length === 0) writeLine(io.stdout, 'no quorum decisions yet');
    else for (const d of decisions) writeLine(io.stdout, summaryLine(d));
    return 0;
  },
  show: (parsed, paths, io) => {
    const d = new DecisionStore(decisionsDir(paths)).get(requirePositional(parsed, 0, 'ID', 'quorum show'));
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, d);
    else {
      writeLine(io.stdout, summaryLine(d));
      for (const b of d.ballots) writeLine(io.stdout, `  round ${b.round}  ${safeField(b.voter)}  ${b.vote}  risk ${b.risk}  ${safeField(b.fault ?? b.rationale)}`);
      writeLine(io.stdout, `  ${safeField(d.tally.why)}`);
    }
    return 0;
  },
  explain: (parsed, paths, io) => {
    for (const line of explainDecision(new DecisionStore(decisionsDir(paths)).get(requirePositional(parsed, 0, 'ID', 'quorum explain')))) writeLine(io.stdout, line);
    return 0;
  },
  panel: (parsed, paths, io) => pickSubcommand('quorum panel', parsed.positionals[0], PANEL)(parsed, paths, io),
};

export const command: Command = {
  name: 'quorum',
  summary: 'how the panel of models decided critical actions; manage the panel',
  usage: USAGE,
  async run(argv, { io, rootFlag }) {
    const [sub, ...rest] = argv;
    const run = pickSubcommand('quorum', sub, SUBCOMMANDS);
    const parsed = parseCommandArgs(`quorum ${sub}`, rest, { json: { type: 'boolean' }, limit: { type: 'string' }, model: { type: 'string' }, weight: { type: 'string' }, family: { type: 'string' } });
    return run(parsed, resolvePaths({ rootFlag, env: io.env }), io);
  },
};
