// octant approvals list|show|approve|deny: the human side of the approval
// gate. Decisions are signed with an operator key (`--key`, as written by
// `octant keys generate`) and verified by the gate against the trusted set.

import { parseCommandArgs, boolFlag, requirePositional, stringFlag } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import { writeJson, writeLine } from '../../lib/io.ts';
import { safeField } from '../../lib/safe-text.ts';
import { resolvePaths } from '../../runtime/paths.ts';
import type { Approval } from '../../agent/approvals/approval.ts';
import { decideApproval } from '../../agent/approvals/decide.ts';
import { ApprovalStore, approvalsDir } from '../../agent/approvals/store.ts';
import { loadPrivateKey } from '../../agent/manifest/sign.ts';
import { loadTrustStore } from '../../agent/manifest/trust.ts';
import type { Command } from './command.ts';

const USAGE = `octant approvals list [--all] [--json]      pending approvals (--all: decided ones too)
octant approvals show ID [--json]
octant approvals approve ID --key KEYFILE [--note TEXT]
octant approvals deny ID --key KEYFILE [--note TEXT]
  A passed deadline counts as a denial.`;

// The agent, action, target, reason and evidence come from the agent: escaped (lib/safe-text.ts).
function line(a: Approval): string {
  return `${a.id}  ${a.state.padEnd(8)}  ${safeField(a.agent)}  ${safeField(a.action)} ${safeField(a.target)}  (deadline ${a.deadline})`;
}

export const command: Command = {
  name: 'approvals',
  summary: 'list, show, approve or deny pending approvals of critical actions',
  usage: USAGE,
  async run(argv, { io, rootFlag }) {
    const [sub, ...rest] = argv;
    const parsed = parseCommandArgs(`approvals ${sub ?? ''}`.trim(), rest, {
      json: { type: 'boolean' }, all: { type: 'boolean' }, key: { type: 'string' }, note: { type: 'string' },
    });
    const paths = resolvePaths({ rootFlag, env: io.env });
    const store = new ApprovalStore(approvalsDir(paths));
    switch (sub) {
      case 'list': {
        const now = Date.now();
        // A pending approval past its deadline is shown as what it is: denied.
        const all = store.list().map((a) => (a.state === 'pending' && Date.parse(a.deadline) <= now ? { ...a, state: 'expired' as const } : a));
        const shown = boolFlag(parsed, 'all') ? all : all.filter((a) => a.state === 'pending');
        if (boolFlag(parsed, 'json')) writeJson(io.stdout, shown);
        else if (shown.length === 0) writeLine(io.stdout, 'no pending approvals');
        else for (const a of shown) writeLine(io.stdout, line(a));
        return 0;
      }
      case 'show': {
        const approval = store.get(requirePositional(parsed, 0, 'ID', 'approvals show'));
        if (boolFlag(parsed, 'json')) writeJson(io.stdout, approval);
        else {
          writeLine(io.stdout, line(approval));
          writeLine(io.stdout, `reason:   ${safeField(approval.reason)}`);
          writeLine(io.stdout, `lineage:  ${approval.lineage.map(safeField).join(' > ') || '(root agent)'}`);
          writeLine(io.stdout, `evidence: ${safeField(JSON.stringify(approval.evidence))}`);
          if (approval.decision) writeLine(io.stdout, `decision: ${approval.decision.body.decision} by key ${approval.decision.signature.keyId} at ${approval.decision.body.decidedAt}`);
        }
        return 0;
      }
      case 'approve':
      case 'deny': {
        const id = requirePositional(parsed, 0, 'ID', `approvals ${sub}`);
        const keyFile = stringFlag(parsed, 'key');
        if (keyFile === undefined) throw usageError(`approvals ${sub}: --key KEYFILE is required (an operator private key)`);
        // Checked against the same trusted set the gate uses: a key the gate
        // would refuse is refused here, with a non-zero exit.
        const decided = decideApproval(store, id, sub === 'approve' ? 'approved' : 'denied', loadPrivateKey(keyFile), loadTrustStore(paths), stringFlag(parsed, 'note') ?? '');
        writeLine(io.stdout, `${decided.id} ${decided.state} (signed by key ${decided.decision!.signature.keyId})`);
        return 0;
      }
      default:
        throw usageError(sub === undefined ? 'approvals: missing subcommand' : `approvals: unknown subcommand '${sub}'`, USAGE);
    }
  },
};
