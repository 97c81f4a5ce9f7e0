// The operator's side: sign a decision on a pending approval. The signature
// binds the decision to the approval's id, agent, action and target, so it
// cannot be moved to another request.

import { createPublicKey, type KeyObject } from 'node:crypto';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { keyIdOf, signDocument, type KeyLookup } from '../manifest/sign.ts';
import { DECISION_CONTEXT, type Approval, type DecisionBody } from './approval.ts';
import type { ApprovalStore } from './store.ts';

/**
 * The gate accepts only decisions signed by a trusted, unrevoked key. A
 * decision it would refuse must not look like success to the operator, so the
 * key is checked here first, the same way the gate will check it.
 */
function checkDecidingKey(key: KeyObject, trust: KeyLookup): string {
  const keyId = keyIdOf(createPublicKey(key));
  const known = trust.find(keyId);
  if (known === undefined) {
    throw new OctantError('E_APPROVAL_KEY_UNTRUSTED', `--key: key ${keyId} is not in the trusted key set, so the gate would refuse this decision`, { exit: EXIT.denied, hint: "see 'octant keys list'; add it with 'octant keys add'" });
  }
  if (known.revoked) {
    throw new OctantError('E_APPROVAL_KEY_REVOKED', `--key: key ${keyId} has been revoked, so the gate would refuse this decision`, { exit: EXIT.denied, hint: 'decide with another trusted operator key' });
  }
  return keyId;
}

export function decideApproval(store: ApprovalStore, id: string, decision: 'approved' | 'denied', key: KeyObject, trust: KeyLookup, note = '', now = new Date()): Approval {
  checkDecidingKey(key, trust);
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
