// octant approvals list|show|approve|deny: the human side of the approval
// gate. Decisions are signed with an operator key (`--key`, as written by
// `octant keys generate`) and verified by the gate against the trusted set.

import { boolFlag, requirePositional, stringFlag, type Parsed } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import { writeJson, writeLine } from '../../lib/io.ts';
import { safeField } from '../../lib/safe-text.ts';
import type { Approval } from '../../agent/approvals/approval.ts';
import { decideApproval } from '../../agent/approvals/decide.ts';
import { ApprovalStore, approvalsDir } from '../../agent/approvals/store.ts';
import { loadPrivateKey } from '../../agent/manifest/sign.ts';
import { loadTrustStore } from '../../agent/manifest/trust.ts';
import type { Action, Command, CommandContext, OptionSpecs } from './command.ts';

// The agent, action, target, reason and evidence come from the agent: escaped (lib/safe-text.ts).
function line(a: Approval): string {
  return `${a.id}  ${a.state.padEnd(8)}  ${safeField(a.agent)}  ${safeField(a.action)} ${safeField(a.target)}  (deadline ${a.deadline})`;
}

function storeOf(ctx: CommandContext): ApprovalStore {
  return new ApprovalStore(approvalsDir(ctx.paths()));
}

const DECIDE_OPTIONS: OptionSpecs = {
  key: { type: 'string', value: 'KEYFILE', help: 'the operator private key that signs the decision (required)' },
  note: { type: 'string', value: 'TEXT', help: 'a note kept with the decision' },
};

/** approve and deny: the same decision, signed, with a different answer. */
function decide(name: 'approve' | 'deny'): Action {
  return {
    name,
    summary: name === 'approve' ? 'approve a pending approval (signed with an operator key)' : 'deny a pending approval (signed with an operator key)',
    synopsis: ['ID --key KEYFILE [--note TEXT]'],
    options: DECIDE_OPTIONS,
    async run(parsed: Parsed, ctx) {
      const id = requirePositional(parsed, 0, 'ID', `approvals ${name}`);
      const keyFile = stringFlag(parsed, 'key');
      if (keyFile === undefined) throw usageError(`approvals ${name}: --key KEYFILE is required (an operator private key)`);
      // Checked against the same trusted set the gate uses: a key the gate
      // would refuse is refused here, with a non-zero exit.
      const decided = decideApproval(storeOf(ctx), id, name === 'approve' ? 'approved' : 'denied', loadPrivateKey(keyFile), loadTrustStore(ctx.paths()), stringFlag(parsed, 'note') ?? '');
      writeLine(ctx.io.stdout, `${decided.id} ${decided.state} (signed by key ${decided.decision!.signature.keyId})`);
      return 0;
    },
  };
}

export const command: Command = {
  name: 'approvals',
  summary: 'list, show, approve or deny pending approvals of critical actions',
  notes: 'A passed deadline counts as a denial.',
  subcommands: [
    {
      name: 'list',
      summary: 'pending approvals (--all: decided ones too)',
      options: { all: { type: 'boolean', help: 'decided and expired ones too' }, json: { type: 'boolean', help: 'print them as JSON' } },
      positionals: false,
      async run(parsed, ctx) {
        const { io } = ctx;
        const now = Date.now();
        // A pending approval past its deadline is shown as what it is: denied.
        const all = storeOf(ctx).list().map((a) => (a.state === 'pending' && Date.parse(a.deadline) <= now ? { ...a, state: 'expired' as const } : a));
        const shown = boolFlag(parsed, 'all') ? all : all.filter((a) => a.state === 'pending');
        if (boolFlag(parsed, 'json')) writeJson(io.stdout, shown);
        else if (shown.length === 0) writeLine(io.stdout, 'no pending approvals');
        else for (const a of shown) writeLine(io.stdout, line(a));
        return 0;
      },
    },
    {
      name: 'show',
      summary: 'one approval: agent, action, reason, lineage, evidence, decision',
      synopsis: ['ID [--json]'],
      options: { json: { type: 'boolean', help: 'print it as JSON' } },
      async run(parsed, ctx) {
        const { io } = ctx;
        const approval = storeOf(ctx).get(requirePositional(parsed, 0, 'ID', 'approvals show'));
        if (boolFlag(parsed, 'json')) writeJson(io.stdout, approval);
        else {
          writeLine(io.stdout, line(approval));
          writeLine(io.stdout, `reason:   ${safeField(approval.reason)}`);
          writeLine(io.stdout, `lineage:  ${approval.lineage.map(safeField).join(' > ') || '(root agent)'}`);
          writeLine(io.stdout, `evidence: ${safeField(JSON.stringify(approval.evidence))}`);
          if (approval.decision) writeLine(io.stdout, `decision: ${approval.decision.body.decision} by key ${approval.decision.signature.keyId} at ${approval.decision.body.decidedAt}`);
        }
        return 0;
      },
    },
    decide('approve'),
    decide('deny'),
  ],
};
