// octant quorum list|show|explain|panel: how critical actions were decided
// by the panel of models, and who sits on it (docs/governance.md).
// Decisions are read from the state directory (no running system needed);
// the panel is changed through the running system, which records each change
// in the ledger before it is in force.

import { boolFlag, numberFlag, requirePositional, stringFlag, type Parsed } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import { safeField } from '../../lib/safe-text.ts';
import { admin } from '../../runtime/admin/client.ts';
import { QUORUM_API } from '../../services/quorum/endpoints.ts';
import type { Paths } from '../../runtime/paths.ts';
import { DecisionStore, decisionsDir, explainDecision, loadPanel, summaryLine, type Voter } from '../../services/quorum/index.ts';
import type { Command, CommandContext } from './command.ts';

function storeOf(ctx: CommandContext): DecisionStore {
  return new DecisionStore(decisionsDir(ctx.paths()));
}

function voterLine(v: Voter): string {
  return `${v.name.padEnd(16)} ${v.model.padEnd(24)} weight ${String(v.weight).padEnd(6)} family ${v.family}`;
}

function printPanel(io: Io, panel: readonly Voter[], json: boolean): void {
  if (json) writeJson(io.stdout, panel);
  else if (panel.length === 0) writeLine(io.stdout, 'no voters: every critical action goes to a human');
  else for (const v of panel) writeLine(io.stdout, voterLine(v));
}

type PanelRun = (parsed: Parsed, paths: Paths, io: Io) => Promise<number>;

const PANEL: Readonly<Record<string, PanelRun>> = {
  list: async (parsed, paths, io) => {
    printPanel(io, loadPanel(paths), boolFlag(parsed, 'json'));
    return 0;
  },
  add: async (parsed, paths, io) => {
    const name = requirePositional(parsed, 1, 'NAME', 'quorum panel add');
    const model = stringFlag(parsed, 'model');
    if (model === undefined) throw usageError('quorum panel add: --model M is required (a router route or deployment id)');
    const weight = numberFlag(parsed, 'weight', 'quorum panel add');
    const family = stringFlag(parsed, 'family');
    printPanel(io, await admin(paths, 'quorum').call(QUORUM_API.add, { name, model, ...(weight === undefined ? {} : { weight }), ...(family === undefined ? {} : { family }) }), false);
    return 0;
  },
  rm: async (parsed, paths, io) => {
    printPanel(io, await admin(paths, 'quorum').call(QUORUM_API.remove, { name: requirePositional(parsed, 1, 'NAME', 'quorum panel rm') }), false);
    return 0;
  },
};

export const command: Command = {
  name: 'quorum',
  summary: 'how the panel of models decided critical actions; manage the panel',
  notes: `panel add and rm go through the running system (recorded in the ledger first).
With no voters every critical action goes to a human ('octant approvals').`,
  subcommands: [
    {
      name: 'list',
      summary: 'recent decisions on critical actions, newest first',
      options: { limit: { type: 'string', value: 'N', help: 'at most N decisions (default 20)' }, json: { type: 'boolean', help: 'print them as JSON' } },
      positionals: false,
      async run(parsed, ctx) {
        const limit = numberFlag(parsed, 'limit', 'quorum list') ?? 20;
        if (!Number.isInteger(limit) || limit < 1) throw usageError('quorum list: --limit expects a positive integer');
        const decisions = storeOf(ctx).list(limit);
        if (boolFlag(parsed, 'json')) writeJson(ctx.io.stdout, decisions);
        else if (decisions.length === 0) writeLine(ctx.io.stdout, 'no quorum decisions yet');
        else for (const d of decisions) writeLine(ctx.io.stdout, summaryLine(d));
        return 0;
      },
    },
    {
      name: 'show',
      summary: 'one decision: proposal, ballots, tally, outcome',
      synopsis: ['ID [--json]'],
      options: { json: { type: 'boolean', help: 'print it as JSON' } },
      async run(parsed, ctx) {
        const d = storeOf(ctx).get(requirePositional(parsed, 0, 'ID', 'quorum show'));
        if (boolFlag(parsed, 'json')) writeJson(ctx.io.stdout, d);
        else {
          writeLine(ctx.io.stdout, summaryLine(d));
          for (const b of d.ballots) writeLine(ctx.io.stdout, `  round ${b.round}  ${safeField(b.voter)}  ${b.vote}  risk ${b.risk}  ${safeField(b.fault ?? b.rationale)}`);
          writeLine(ctx.io.stdout, `  ${safeField(d.tally.why)}`);
        }
        return 0;
      },
    },
    {
      name: 'explain',
      summary: 'how a decision was reached, step by step',
      synopsis: ['ID'],
      options: {},
      async run(parsed, ctx) {
        for (const line of explainDecision(storeOf(ctx).get(requirePositional(parsed, 0, 'ID', 'quorum explain')))) writeLine(ctx.io.stdout, line);
        return 0;
      },
    },
    {
      name: 'panel',
      summary: 'list, add (or replace) and remove the voters',
      synopsis: ['list [--json]', 'add NAME --model M [--weight W] [--family F]', 'rm NAME'],
      choices: ['list', 'add', 'rm'],
      options: {
        model: { type: 'string', value: 'M', help: 'add: a router route or deployment id' },
        weight: { type: 'string', value: 'W', help: 'add: the voting weight, above 0 and at most 1000 (default 1)' },
        family: { type: 'string', value: 'F', help: 'add: its provider or model family (default M); approvals need two families' },
        json: { type: 'boolean', help: 'list: print the panel as JSON' },
      },
      async run(parsed, ctx) {
        const sub = parsed.positionals[0];
        if (sub === undefined || !Object.hasOwn(PANEL, sub)) throw usageError(sub === undefined ? 'quorum panel: missing list, add or rm' : `quorum panel: unknown ${JSON.stringify(sub)} (list, add, rm)`);
        return PANEL[sub](parsed, ctx.paths(), ctx.io);
      },
    },
  ],
};
