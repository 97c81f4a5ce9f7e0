// Validation rule 11: which isolation tier the agent gets. The strongest of
//   - the manifest's `isolation` (default namespaces), already raised to its
//     parent's by intersection (a gvisor parent's child is gvisor);
//   - the system policy, octant.yaml `services.agents.gvisorRoles`: agents
//     of a listed role (or every agent, with "*") get gvisor;
//   - what the operator asked for (`octant run --isolation`).
// Policy and operator can only raise the tier. An operator asking for a
// weaker tier than the manifest, its parent or the policy requires is
// refused (E_MANIFEST_ISOLATION), never silently run weaker or stronger
// than asked.

import { EXIT, OctantError } from '../../lib/errors.ts';
import { isolationOf, strongerTier, type EffectiveManifest, type IsolationTier, type Manifest } from './schema.ts';

export interface TierPolicy {
  /** Roles whose agents must run under gvisor; "*" = every agent, with or without a role. */
  gvisorRoles?: readonly string[];
  /** The tier the operator asked for; absent = whatever the rest requires. */
  asked?: IsolationTier;
}

function policyRequires(m: Manifest, roles: readonly string[]): boolean {
  return roles.includes('*') || (m.identity.role !== undefined && roles.includes(m.identity.role));
}

/** The effective manifest with its tier settled (isolation set when gvisor). */
export function settleIsolation(effective: EffectiveManifest, requested: Manifest, policy: TierPolicy): EffectiveManifest {
  const byPolicy = policyRequires(requested, policy.gvisorRoles ?? []);
  const required = strongerTier(isolationOf(effective), byPolicy ? 'gvisor' : 'namespaces');
  if (policy.asked === 'namespaces' && required === 'gvisor') {
    const why = isolationOf(requested) === 'gvisor' ? 'the manifest says isolation: gvisor'
      : byPolicy ? `the system policy (services.agents.gvisorRoles) puts ${requested.identity.role === undefined ? 'every agent' : `role ${requested.identity.role}`} under gvisor`
        : 'its parent runs under gvisor';
    throw new OctantError('E_MANIFEST_ISOLATION', `isolation: namespaces was asked for ${requested.identity.name}, but ${why}; a tier can be raised, never lowered`, {
      exit: EXIT.denied, hint: 'run it with --isolation gvisor (or without --isolation)', detail: { rule: 11, field: 'isolation' },
    });
  }
  const tier = strongerTier(required, policy.asked ?? 'namespaces');
  return tier === isolationOf(effective) ? effective : { ...effective, isolation: 'gvisor' };
}
