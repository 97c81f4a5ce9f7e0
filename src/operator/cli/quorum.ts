// octant quorum list|show|explain|panel: how critical actions were decided
// by the panel of models, and who sits on it (docs/governance.md).
// Decisions are read from the state directory (no running system needed);
// the panel is changed through the running system, which records each change
// in the ledger before it is in force.

import { boolFlag, numberFlag, requirePositional, stringFlag } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import { safeField } from '../../lib/safe-text.ts';
import { admin } from '../../runtime/admin/client.ts';
import { DecisionStore, QUORUM_API, decisionsDir, explainDecision, loadPanel, summaryLine, type Voter } from '../../services/quorum/api.ts';
import type { Command, CommandContext, Group } from './command.ts';

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

const PANEL: Group = {
  name: 'panel',
  summary: 'list, add (or replace) and remove the voters',
  subcommands: [
    {
      name: 'list',
      summary: 'the voters: name, model, weight, family',
      options: { json: { type: 'boolean', help: 'print the panel as JSON' } },
      positionals: false,
      async run(parsed, ctx) {
        printPanel(ctx.io, loadPanel(ctx.paths()), boolFlag(parsed, 'json'));
        return 0;
      },
    },
    {
      name: 'add',
      summary: 'add (or replace) a voter, through the running system',
      synopsis: ['NAME --model M [--weight W] [--family F]'],
      options: {
        model: { type: 'string', value: 'M', help: 'a router route or deployment id (required)' },
        weight: { type: 'string', value: 'W', help: 'the voting weight, above 0 and at most 1000 (default 1)' },
        family: { type: 'string', value: 'F', help: 'its provider or model family (default M); approvals need two families' },
      },
      async run(parsed, ctx) {
        const name = requirePositional(parsed, 0, 'NAME', 'quorum panel add');
        const model = stringFlag(parsed, 'model');
        if (model === undefined) throw usageError('quorum panel add: --model M is required (a router route or deployment id)');
        const weight = numberFlag(parsed, 'weight', 'quorum panel add');
        const family = stringFlag(parsed, 'family');
        printPanel(ctx.io, await admin(ctx.paths(), 'quorum').call(QUORUM_API.add, { name, model, ...(weight === undefined ? {} : { weight }), ...(family === undefined ? {} : { family }) }), false);
        return 0;
      },
    },
    {
      name: 'rm',
      summary: 'remove a voter, through the running system',
      synopsis: ['NAME'],
      options: {},
      async run(parsed, ctx) {
        printPanel(ctx.io, await admin(ctx.paths(), 'quorum').call(QUORUM_API.remove, { name: requirePositional(parsed, 0, 'NAME', 'quorum panel rm') }), false);
        return 0;
      },
    },
  ],
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
    PANEL,
  ],
};
