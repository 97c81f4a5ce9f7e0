// The approval gate with the quorum in front of the human (docs/governance.md):
//
//   critical action → quorum proposal → panel vote →
//     approved  → the action runs (no human needed)
//     rejected  → denied (a veto or a clear rejection)
//     denied    → denied (deadline, ledger refused, cancelled: fail closed)
//     escalate  → a human approval, with the ballots attached; the human's
//                 signed decision is final (a passed deadline denies)
//
// Without a quorum service the human decides everything, as before. A quorum
// that throws is a denial: nothing here turns an error into an approval.

import { messageOf } from '../../lib/errors.ts';
import type { Decision, QuorumApi, RecentEntry } from '../../services/quorum/api.ts';
import type { ApprovalRequest } from './approval.ts';
import type { GateOutcome } from './gate.ts';

export interface GovernedGateOptions {
  quorum?: QuorumApi;
  /** The human gate (requestApproval bound to its store, trust and ledger). */
  human(request: ApprovalRequest, signal?: AbortSignal): Promise<GateOutcome>;
  /** The agent's latest ledger entries. */
  recent(agent: string): RecentEntry[];
}

/** What a human approver sees of the vote: each ballot in one line and the tally. */
function ballotsForHuman(decision: Decision): Record<string, unknown> {
  return {
    id: decision.id,
    why: decision.tally.why,
    ballots: decision.ballots.map((b) => ({ round: b.round, voter: b.voter, model: b.model, vote: b.vote, risk: b.risk, rationale: b.rationale, ...(b.fault === undefined ? {} : { fault: b.fault }) })),
  };
}

export async function governedApproval(request: ApprovalRequest, options: GovernedGateOptions, signal?: AbortSignal): Promise<GateOutcome> {
  const { quorum } = options;
  if (quorum === undefined) return options.human(request, signal);
  let decision: Decision;
  try {
    decision = await quorum.decide({
      agent: request.agent,
      lineage: request.lineage,
      manifest: request.manifest ?? { name: request.agent },
      action: request.action,
      target: request.target,
      reason: request.reason,
      statedReason: typeof request.evidence.purpose === 'string' ? request.evidence.purpose : undefined,
      evidence: request.evidence,
      recent: options.recent(request.agent),
      manifestRule: request.manifest?.rule,
    }, signal);
  } catch (error) {
    return { approved: false, id: '', reason: `the quorum failed (${messageOf(error)}); denied` };
  }
  switch (decision.outcome) {
    case 'approved': return { approved: true, id: decision.id, reason: `approved by the quorum: ${decision.tally.why}` };
    case 'rejected':
    case 'denied': return { approved: false, id: decision.id, reason: `quorum ${decision.outcome}: ${decision.tally.why}` };
    case 'escalate': {
      const outcome = await options.human({
        ...request,
        reason: `${request.reason}; the quorum escalated to a human: ${decision.tally.why}`,
        evidence: { ...request.evidence, quorum: ballotsForHuman(decision) },
      }, signal);
      // The note on the decision file is an index; the gate's own ledger entries are the record.
      await quorum.settle(decision.id, { approved: outcome.approved, reason: outcome.reason, approval: outcome.id }).catch(() => undefined);
      return outcome;
    }
  }
}
