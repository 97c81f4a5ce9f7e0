// Builds a LifecycleManager from the real pieces: the manifest module, the
// kernel launcher and egress proxy, and the ledger and vault APIs. Used by
// the agents service (inside the booted system) and by the CLI's
// foreground mode.

import { join } from 'node:path';
import type { Paths } from '../../runtime/paths.ts';
import type { Logger } from '../../runtime/log.ts';
import type { LedgerApi } from '../../services/ledger/api.ts';
import type { VaultApi } from '../../services/vault/api.ts';
import { loadTrustStore } from '../manifest/index.ts';
import { hostProtection } from '../manifest/dangerous-grants.ts';
import type { EffectiveManifest } from '../manifest/index.ts';
import { LifecycleManager } from './manager.ts';
import { manifestPort } from './manifest-port.ts';
import { kernelIsolation, type KernelIsolationOptions } from './kernel-isolation.ts';
import { invokingUser, uidRangeUsers, type UidRange } from './agent-users.ts';
import { prepareSandboxDir } from './sandbox-area.ts';
import type { GatewayPort, LifecycleDeps } from './ports.ts';

export interface ComposeOptions {
  paths: Paths;
  ledger: Pick<LedgerApi, 'append' | 'seal'>;
  vault: Pick<VaultApi, 'issueToken' | 'revokeAgent'>;
  log?: Logger;
  isolation?: Omit<KernelIsolationOptions, 'audit'>;
  /** Builds the agents' gateway once the manager exists (tools like agent.spawn need it). */
  gateway?: (manager: LifecycleManager) => GatewayPort;
  /** octant.yaml services.agents: the agents' uid range, group and sandbox directory (its schema holds the defaults). */
  identities: AgentIdentities;
  /** The approval gate for what wrapped programs do directly (LifecycleDeps.approve). */
  approve?: LifecycleDeps['approve'];
  /** System policy: roles whose agents must run under gvisor (octant.yaml services.agents.gvisorRoles). */
  gvisorRoles?: readonly string[];
  /** octant.yaml services.agents.acceptUnenforcedLimits. */
  acceptUnenforcedLimits?: boolean;
}

export interface AgentIdentities {
  uids: UidRange;
  /** Where agents' scratch and run directories live when octant runs as root. */
  sandboxDir: string;
}

export function agentsDir(paths: Paths): string {
  return join(paths.state, 'agents');
}

export function composeLifecycle(options: ComposeOptions): LifecycleManager {
  const { paths } = options;
  // Read the key set at each check: a key revoked (or added) while the
  // system runs takes effect at once, and a tampered set fails closed.
  const trust = { find: (keyId: string) => loadTrustStore(paths).find(keyId) };
  // Rules 6 and 8 look at the agents live now; the manager is created below.
  let manager: LifecycleManager | undefined;
  const manifests = manifestPort({
    trust,
    onReject: options.ledger.append,
    // Rule 10 keeps every grant away from this system's own directories and program.
    host: hostProtection(paths),
    gvisorRoles: options.gvisorRoles,
    live: () => {
      const live = manager?.liveManifests() ?? [];
      return { names: live.map((m) => m.name), reservations: live.map((m) => (m.effective as EffectiveManifest).resources) };
    },
  });
  // Run by root, each agent gets its own uid of the range; otherwise every
  // agent runs as the invoking user, whose own directories it can reach.
  const root = process.geteuid?.() === 0;
  const sandboxDir = root ? options.identities.sandboxDir : join(paths.run, 'agents');
  if (root) prepareSandboxDir(sandboxDir);
  const users = root ? uidRangeUsers(options.identities.uids, join(sandboxDir, 'uids')) : invokingUser();
  manager = new LifecycleManager({
    agentsDir: agentsDir(paths),
    sandboxDir,
    users,
    manifests,
    isolation: kernelIsolation({ audit: options.ledger.append, ...options.isolation }),
    ledger: options.ledger,
    vault: options.vault,
    // Bound late: the gateway's tools (agent.spawn) need the manager itself.
    gateway: options.gateway ? { open: (agent, socketPath) => gateway!.open(agent, socketPath) } : undefined,
    log: options.log,
    approve: options.approve,
    acceptUnenforcedLimits: options.acceptUnenforcedLimits,
  });
  const gateway = options.gateway?.(manager);
  return manager;
}
