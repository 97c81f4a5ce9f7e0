// The operator's side: sign a decision on a pending approval. The signature
// binds the decision to the approval's id, agent, action and target, so it
// cannot be moved to another request.

import type { KeyObject } from 'node:crypto';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { signDocument } from '../manifest/sign.ts';
import { DECISION_CONTEXT, type Approval, type DecisionBody } from './approval.ts';
import type { ApprovalStore } from './store.ts';

export function decideApproval(store: ApprovalStore, id: string, decision: 'approved' | 'denied', key: KeyObject, note = '', now = new Date()): Approval {
  const approval = store.get(id);
  if (approval.state !== 'pending') {
    throw new OctantError('E_APPROVAL_DECIDED', `approval ${id} is already ${approval.state}`, { exit: EXIT.usage });
  }
  if (Date.parse(approval.deadline) <= now.getTime()) {
    throw new OctantError('E_APPROVAL_EXPIRED', `approval ${id} passed its deadline (${approval.deadline}) and counts as denied`, { exit: EXIT.denied });
  }
  const body: DecisionBody = { id, agent: approval.agent, action: approval.action, target: approval.target, decision, decidedAt: now.toISOString(), note };
  const decided: Approval = { ...approval, state: decision, decision: { body, signature: signDocument(DECISION_CONTEXT, body, key) } };
  store.save(decided);
  return decided;
}
