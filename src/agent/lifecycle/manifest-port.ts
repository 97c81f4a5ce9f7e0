// The production ManifestPort: the manifest module's eleven validation rules
// (src/agent/manifest) and its compiler, plus the lifecycle facts the
// lifecycle needs from the result: spawn limits, TTL, what happens to the
// agent's children when it ends (lifetime.children; default terminate) and
// which scratch paths are kept (retain; default none). Both come from the
// effective manifest, so for a child they are already intersected with its
// parent's (docs/manifests.md "Intersection").

import { availableParallelism, totalmem } from 'node:os';
import { compileToPolicy, diffManifests, loadRoles, manifestDigest, validateManifest, type EffectiveManifest, type KeyLookup, type Roles, type SignedManifest, type SpawnState } from '../manifest/index.ts';
import { childrenOf, isolationOf, retainOf, type Resources } from '../manifest/schema.ts';
import type { HostProtection } from '../manifest/dangerous-grants.ts';
import type { LedgerAppend } from '../../services/ledger/api.ts';
import type { ManifestPort, ValidatedManifest } from './ports.ts';

export interface ManifestPortOptions {
  trust: KeyLookup;
  roles?: Roles;
  /** What the host offers; default: this machine's cores and memory, generous I/O and tasks. */
  capacity?: Resources;
  /** Names and resources of the agents live now (rules 6 and 8). */
  live: () => { names: string[]; reservations: Resources[] };
  /** Records rejections (the ledger's append). */
  onReject: LedgerAppend;
  /** What of the host no grant may reach (rule 10): hostProtection(paths). */
  host: HostProtection;
  /** System policy (octant.yaml services.agents.gvisorRoles): roles that must run under gvisor, "*" = all. */
  gvisorRoles?: readonly string[];
  /**
   * The parent's live descendants and remaining seconds, for rule 5 and the
   * TTL cap. Default: 0 and unlimited, so rule 5 checks only that the
   * child's own spawn limits fit below the parent's; the lifecycle counts
   * live descendants of every ancestor itself (spawn-rules.ts checkSpawn).
   */
  spawnState?: (parent: ValidatedManifest) => SpawnState;
}

export function hostCapacity(): Resources {
  return { cpu: availableParallelism(), memory: totalmem(), ioBandwidth: 2 ** 40, pids: 1 << 22, networkThroughput: 2 ** 40 };
}

export function manifestPort(options: ManifestPortOptions): ManifestPort {
  const roles = options.roles ?? loadRoles();
  const capacity = options.capacity ?? hostCapacity();
  return {
    async validate(signed, parent, start) {
      const live = options.live();
      const effective = await validateManifest(signed, {
        trust: options.trust, roles, capacity, reservations: live.reservations, liveIdentities: live.names,
        host: options.host, isolation: { gvisorRoles: options.gvisorRoles, asked: start?.isolation },
        parent: parent?.effective as EffectiveManifest | undefined, onReject: options.onReject,
        // A spawned child gets the intersection with its parent (agent-lifecycle.md).
        narrowToParent: true,
        parentSpawnState: parent === undefined ? undefined : (options.spawnState?.(parent) ?? { descendants: 0, remainingSeconds: null }),
      });
      const s = signed as SignedManifest;
      const ttl = effective.lifetime.ttl;
      const children = childrenOf(effective);
      return {
        effective, name: effective.identity.name, hash: manifestDigest(s.manifest), signer: s.signature.keyId,
        spawn: { ...effective.spawning }, ttlSeconds: ttl === 'unlimited' ? null : ttl,
        children: { policy: children.policy, graceSeconds: children.policy === 'wind-down' ? children.graceSeconds : 0 },
        retain: [...retainOf(effective)],
        critical: [...effective.governance.critical],
        ...(effective.governance.quorum === undefined ? {} : { quorum: effective.governance.quorum }),
        // What intersection with the parent took away, for the ledger.
        narrowed: parent === undefined ? [] : diffManifests(s.manifest, effective).map((c) => c.field),
        isolation: isolationOf(effective),
      } satisfies ValidatedManifest;
    },
    compile: (manifest, aid, user) => compileToPolicy(manifest.effective as EffectiveManifest, aid, user),
  };
}
