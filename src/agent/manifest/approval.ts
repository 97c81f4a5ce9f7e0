// Operator approvals (validation rule 9): an unlimited lifetime runs only with
// an approval signed by a trusted operator key, bound to one agent name and
// the SHA-256 of its exact signed manifest (sign.ts manifestDigest), so an
// approval can be reused neither for another agent nor for an edited manifest.

import type { KeyObject } from 'node:crypto';
import { join, readEnum, readName, readObject, readString, schemaError } from './field-reader.ts';
import { AGENT_NAME, type Manifest } from './schema.ts';
import { APPROVAL_CONTEXT, type KeyLookup, type Signature, manifestDigest, readSignature, signDocument, verifyDocument } from './sign.ts';

export const APPROVAL_KINDS = ['unlimited-lifetime'] as const;

export interface ApprovalBody {
  kind: (typeof APPROVAL_KINDS)[number];
  agent: string;
  /** manifestDigest of the approved manifest. */
  manifest: string;
}

export interface Approval {
  approval: ApprovalBody;
  signature: Signature;
}

export function signApproval(manifest: Manifest, kind: ApprovalBody['kind'], privateKey: KeyObject): Approval {
  const approval: ApprovalBody = { kind, agent: manifest.identity.name, manifest: manifestDigest(manifest) };
  return { approval, signature: signDocument(APPROVAL_CONTEXT, approval, privateKey) };
}

export function readApproval(value: unknown, path = 'approval'): Approval {
  const r = readObject(value, path, ['approval', 'signature'], ['approval', 'signature']);
  const b = readObject(r.approval, join(path, 'approval'), ['kind', 'agent', 'manifest'], ['kind', 'agent', 'manifest']);
  const digest = readString(b.manifest, join(path, 'approval.manifest'), 64);
  if (!/^[0-9a-f]{64}$/.test(digest)) throw schemaError(join(path, 'approval.manifest'), 'expected a SHA-256 hex digest');
  return {
    approval: { kind: readEnum(b.kind, join(path, 'approval.kind'), APPROVAL_KINDS), agent: readName(b.agent, join(path, 'approval.agent'), AGENT_NAME, 'agent name'), manifest: digest },
    signature: readSignature(r.signature, join(path, 'signature')),
  };
}

/** True if one of `approvals` grants `kind` for exactly this manifest, signed by a trusted, unrevoked key. */
export function hasApproval(manifest: Manifest, kind: ApprovalBody['kind'], approvals: readonly Approval[], trust: KeyLookup): boolean {
  const digest = manifestDigest(manifest);
  return approvals.some((a) => {
    if (a.approval.kind !== kind || a.approval.agent !== manifest.identity.name || a.approval.manifest !== digest) return false;
    try {
      verifyDocument(APPROVAL_CONTEXT, a.approval, a.signature, trust, 'approval');
      return true;
    } catch {
      return false; // an approval that does not verify approves nothing
    }
  });
}
