// The production ManifestPort: the manifest module's nine validation rules
// (src/agent/manifest) and its compiler, plus the lifecycle facts the
// lifecycle needs from the result.
//
// The manifest schema has no field yet for the children's fate or for
// retained outputs; until it does, children are terminated with their
// parent and nothing is retained (the safe defaults).

import { availableParallelism, totalmem } from 'node:os';
import { compileToPolicy, loadRoles, manifestDigest, validateManifest, type EffectiveManifest, type KeyLookup, type Roles, type SignedManifest } from '../manifest/index.ts';
import type { Resources } from '../manifest/schema.ts';
import type { LedgerAppend } from '../../services/ledger/types.ts';
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
}

export function hostCapacity(): Resources {
  return { cpu: availableParallelism(), memory: totalmem(), ioBandwidth: 2 ** 40, pids: 1 << 22, networkThroughput: 2 ** 40 };
}

export function manifestPort(options: ManifestPortOptions): ManifestPort {
  const roles = options.roles ?? loadRoles();
  const capacity = options.capacity ?? hostCapacity();
  return {
    async validate(signed, parent) {
      const live = options.live();
      const effective = await validateManifest(signed, {
        trust: options.trust, roles, capacity, reservations: live.reservations, liveIdentities: live.names,
        parent: parent?.effective as EffectiveManifest | undefined, onReject: options.onReject,
      });
      const s = signed as SignedManifest;
      const ttl = effective.lifetime.ttl;
      return {
        effective, name: effective.identity.name, hash: manifestDigest(s.manifest), signer: s.signature.keyId,
        spawn: { ...effective.spawning }, ttlSeconds: ttl === 'unlimited' ? null : ttl,
        children: { policy: 'terminate', graceSeconds: 0 }, retain: [],
      } satisfies ValidatedManifest;
    },
    compile: (manifest, aid) => compileToPolicy(manifest.effective as EffectiveManifest, aid),
  };
}
