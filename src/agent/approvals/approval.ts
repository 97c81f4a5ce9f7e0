// A pending approval: a critical action an agent asked to perform, waiting
// for an operator's signed decision before a deadline. A passed deadline
// means deny (fail closed).

import type { Signature } from '../manifest/sign.ts';
import type { Rule } from '../../services/quorum/api.ts';

export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired';

export interface ApprovalRequest {
  agent: string;
  lineage: string[];
  /** The mediated action, e.g. "fs.write", "agent.spawn". */
  action: string;
  target: string;
  /** Why the action is critical (which rule made it so). */
  reason: string;
  /** What the operator needs to decide: arguments, sizes, the model's stated purpose. */
  evidence: Record<string, unknown>;
  /** The agent's manifest (name, hash) for the quorum's proposal, and its own rule of the vote for this action (governance.quorum). */
  manifest?: { name: string; hash?: string; rule?: Partial<Rule> };
}

/** What an operator signs: the decision bound to the exact request. */
export interface DecisionBody {
  id: string;
  agent: string;
  action: string;
  target: string;
  decision: 'approved' | 'denied';
  decidedAt: string;
  note: string;
}

export interface Approval extends ApprovalRequest {
  id: string;
  createdAt: string;
  /** ISO time after which the request is denied. */
  deadline: string;
  state: ApprovalState;
  decision?: { body: DecisionBody; signature: Signature };
}

/** Domain separation for decision signatures (see manifest/sign.ts). */
export const DECISION_CONTEXT = 'octant-approval-decision-v1';
