// The approval gate on the path of a critical action: record the request in
// the ledger, wait for a signed operator decision, verify it against the
// trusted keys, record the outcome. Anything other than a valid, matching,
// timely "approved" is a denial: a missing, forged, moved or late decision
// denies (fail closed).

import type { LedgerAppend } from '../../services/ledger/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { verifyDocument, type KeyLookup } from '../manifest/sign.ts';
import { DECISION_CONTEXT, type Approval, type ApprovalRequest } from './approval.ts';
import { newApprovalId, type ApprovalStore } from './store.ts';

export interface GateOutcome {
  approved: boolean;
  id: string;
  /** Why: 'approved by <key>', 'denied by <key>', 'deadline passed', or the verification failure. */
  reason: string;
}

/**
 * What the ledger keeps of a decision: who signed what, when, with which
 * note, and the signature itself, so the decision can be verified again from
 * the ledger alone (the approvals directory is not the record).
 */
function decisionRecord(approval: Approval | undefined): Record<string, unknown> {
  const decision = approval?.decision;
  if (decision === undefined) return {};
  return {
    decided: decision.body.decision,
    decidedAt: decision.body.decidedAt,
    note: decision.body.note,
    keyId: decision.signature.keyId,
    signature: decision.signature,
  };
}

export interface ApprovalGateOptions {
  store: ApprovalStore;
  trust: () => KeyLookup;
  ledger: LedgerAppend;
  /** How long an operator has to decide. */
  timeoutMs: number;
  pollMs?: number;
  now?: () => number;
  /** Called when a request is created (e.g. to notify a console). */
  onPending?: (approval: Approval) => void;
}

function verdict(approval: Approval, trust: KeyLookup): GateOutcome {
  const { decision } = approval;
  if (decision === undefined) return { approved: false, id: approval.id, reason: `state ${approval.state} without a decision` };
  try {
    const signer = verifyDocument(DECISION_CONTEXT, decision.body, decision.signature, trust, `decision on ${approval.id}`);
    const b = decision.body;
    // The signed body must name this very request.
    if (b.id !== approval.id || b.agent !== approval.agent || b.action !== approval.action || b.target !== approval.target) {
      return { approved: false, id: approval.id, reason: 'the signed decision names another request' };
    }
    if (Date.parse(b.decidedAt) > Date.parse(approval.deadline)) return { approved: false, id: approval.id, reason: 'decided after the deadline' };
    return { approved: b.decision === 'approved' && approval.state === 'approved', id: approval.id, reason: `${b.decision} by key ${signer}` };
  } catch (error) {
    return { approved: false, id: approval.id, reason: messageOf(error) };
  }
}

export async function requestApproval(request: ApprovalRequest, options: ApprovalGateOptions, signal?: AbortSignal): Promise<GateOutcome> {
  const now = options.now ?? Date.now;
  const approval: Approval = {
    ...request,
    id: newApprovalId(),
    createdAt: new Date(now()).toISOString(),
    deadline: new Date(now() + options.timeoutMs).toISOString(),
    state: 'pending',
  };
  const base = { agent: request.agent, lineage: request.lineage, kind: 'governance', target: request.target };
  // Log first: the request exists in the ledger before anyone can decide it.
  await options.ledger({ ...base, action: 'approval.request', decision: 'pending', detail: { id: approval.id, action: request.action, reason: request.reason, deadline: approval.deadline } });
  options.store.save(approval);
  options.onPending?.(approval);

  let outcome: GateOutcome | undefined;
  let decided: Approval | undefined;
  const poll = options.pollMs ?? 100;
  while (outcome === undefined) {
    const current = options.store.get(approval.id);
    if (current.state !== 'pending') {
      decided = current;
      outcome = verdict(current, options.trust());
    }
    else if (now() >= Date.parse(approval.deadline) || signal?.aborted) {
      options.store.save({ ...current, state: 'expired' });
      outcome = { approved: false, id: approval.id, reason: signal?.aborted ? 'cancelled' : 'deadline passed' };
    } else await new Promise((resolve) => setTimeout(resolve, poll));
  }
  await options.ledger({ ...base, action: 'approval.decision', decision: outcome.approved ? 'allow' : 'deny', detail: { id: approval.id, action: request.action, reason: outcome.reason, ...decisionRecord(decided) } });
  return outcome;
}
