// What the lifecycle manager needs from the layers around it, as interfaces
// it receives (ARCHITECTURE.md: everything injected). Production passes the
// manifest module, the kernel's cgroups / launcher / egress proxy, and the
// ledger and vault APIs; unit tests pass small in-memory implementations.

import type { Rule } from '../../services/quorum/api.ts';
import type { AgentUser, BindMount, ResourceLimits, SandboxPolicy } from '../../kernel/sandbox-policy.ts';
import type { AgentUsersPort } from './agent-users.ts';
import type { LedgerApi } from '../../services/ledger/api.ts';
import type { VaultApi } from '../../services/vault/api.ts';
import type { Logger } from '../../runtime/log.ts';
import type { ApprovalRequest } from '../approvals/approval.ts';
import type { GateOutcome } from '../approvals/gate.ts';

/** What happens to an agent's children when it terminates (agent-lifecycle.md "Spawning"). */
export type ChildrenPolicy = 'terminate' | 'wind-down' | 'adopt';

/** The facts the lifecycle needs from a validated, effective manifest. */
export interface ValidatedManifest {
  /** The effective manifest itself, opaque here: handed back to compile() and to a child's validate(). */
  effective: unknown;
  name: string;
  /** Hex SHA-256 of the signed manifest. */
  hash: string;
  /** Fingerprint of the operator key whose signature authorised it. */
  signer: string;
  spawn: { allowed: boolean; maxDepth: number; maxDescendants: number };
  /** null = unlimited (operator-approved at validation). */
  ttlSeconds: number | null;
  children: { policy: ChildrenPolicy; graceSeconds: number };
  /** Paths, relative to the agent's scratch directory, kept after termination. */
  retain: string[];
  /** governance.critical of the effective manifest: actions that wait for an operator's approval. */
  critical: string[];
  /** governance.quorum of the effective manifest: its own rules of the vote per action class (stricter only). */
  quorum?: Record<string, Partial<Rule>>;
  /** Fields a spawned child asked for beyond its parent, narrowed away by intersection. */
  narrowed?: string[];
  /** The isolation tier it runs in (manifest, parent, system policy and operator request settled). */
  isolation?: SandboxPolicy['isolation'];
}

/** What the operator asked for at start, beyond the manifest. */
export interface StartOptions {
  /** `octant run --isolation`: may raise the tier, never lower it. */
  isolation?: SandboxPolicy['isolation'];
}

export interface ManifestPort {
  /**
   * Check schema, signature, roles, deny list; with a parent, intersect with
   * the parent's effective manifest (the child never gets more). Throws an
   * OctantError (E_MANIFEST_*) on rejection.
   */
  validate(signed: unknown, parent?: ValidatedManifest, options?: StartOptions): Promise<ValidatedManifest>;
  /** The policy for `aid`, running as `user`. */
  compile(manifest: ValidatedManifest, aid: string, user: AgentUser): SandboxPolicy;
}

export interface CgroupPort {
  pids(): number[];
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Kill every task in the group and wait until it is empty. */
  kill(): Promise<void>;
  remove(): Promise<void>;
}

export interface ProxyPort {
  close(): Promise<void>;
}

export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

export interface LaunchSpec {
  command: string[];
  /** The command is this system's own program (the built-in agent loop): bind it and allow it. */
  self?: boolean;
  /** Offer the gateway socket over HTTP on loopback inside (wrapped programs and their SDKs). */
  gatewayRelay?: { socket: string; listen: string; tokenFile: string };
  cgroup: CgroupPort;
  /** Extra binds: the scratch directory and the egress socket directory. */
  binds: BindMount[];
  env: Record<string, string>;
  cwd: string;
  /** Where the in-sandbox bridge reaches the proxy and listens; absent when the policy grants no egress. */
  egress?: { socket: string; listen: string };
  /** Open file descriptors for the agent's stdout and stderr logs. */
  stdout: number;
  stderr: number;
  /** The operator accepted that this agent's resource limits are not enforced (no cgroup can be made here). */
  acceptUnenforcedLimits?: boolean;
}

/** Whether this system can enforce agents' resource limits (cgroups), and if not, why and what to do. */
export type LimitsEnforcement = { enforced: true; detail: string } | { enforced: false; reason: string; hint: string };

export interface RunningSandbox {
  pid: number;
  exited: Promise<ExitStatus>;
}

/** The kernel side of isolation, behind one seam. */
export interface IsolationPort {
  createCgroup(aid: string, limits: ResourceLimits): Promise<CgroupPort>;
  /** Start the agent's egress proxy listening on `socketPath`; with `approve`, each connection waits for it. */
  startProxy(policy: SandboxPolicy, lineage: string[], socketPath: string, approve?: ConnectionApproval): Promise<ProxyPort>;
  /** Launch the command in the sandbox, inside `spec.cgroup`, before it runs any code. */
  launch(policy: SandboxPolicy, spec: LaunchSpec): Promise<RunningSandbox>;
  /** The cgroup a crashed runtime left for `aid` (reconciliation), or undefined when there is none. */
  leftoverCgroup(aid: string): CgroupPort | undefined;
  /** Can agents' cgroups be created here (kernel/cgroups/placement.ts)? */
  limits(): LimitsEnforcement;
}

/** What the agent's gateway is opened with: everything the gateway knows about the agent comes from here, never from the agent. */
export interface GatewayAgent {
  aid: string;
  lineage: string[];
  manifest: ValidatedManifest;
  policy: SandboxPolicy;
  /** The scoped token the agent holds (the vault's token). */
  token: string;
  /** Host path of the agent's scratch directory (seen inside as /scratch; owned by policy.user). */
  scratch: string;
  /** The agent's private host directory (record, logs, transcript); never bound into the sandbox. */
  dir: string;
  /** Host path of the agent's egress proxy socket, when it has network grants. */
  egressSocket?: string;
  cgroup: CgroupPort;
}

export interface OpenGateway {
  close(): Promise<void>;
}

/** Opens the per-agent gateway (agent/gateway) on a Unix socket bound into the sandbox. */
export interface GatewayPort {
  open(agent: GatewayAgent, socketPath: string): Promise<OpenGateway>;
}

/** Timers, injectable so TTL expiry is testable without waiting. */
export interface Scheduler {
  now(): number;
  /** Run `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  after(ms, fn) {
    // setTimeout caps at 2^31-1 ms; longer TTLs re-arm.
    const max = 2 ** 31 - 1;
    let timer: NodeJS.Timeout;
    const arm = (left: number): void => {
      timer = setTimeout(() => (left > max ? arm(left - max) : fn()), Math.min(left, max));
      timer.unref();
    };
    arm(ms);
    return () => clearTimeout(timer);
  },
};

/** Asks for an operator's decision on one egress connection (true = approved). */
export type ConnectionApproval = (connection: { mode: string; target: string; address: string }) => Promise<boolean>;

export interface LifecycleDeps {
  /** Where agent records, logs and scratch directories live (paths.state/agents). */
  agentsDir: string;
  /**
   * Where each agent's scratch and run directories live (sandbox-area.ts):
   * every agent uid must be able to reach it, unlike the private state root.
   */
  sandboxDir: string;
  /** Hands out the host uid/gid each agent runs as (agent-users.ts). */
  users: AgentUsersPort;
  manifests: ManifestPort;
  isolation: IsolationPort;
  ledger: Pick<LedgerApi, 'append' | 'seal'>;
  vault: Pick<VaultApi, 'issueToken' | 'revokeAgent'>;
  /** The agent gateway; without one, agents get no gateway socket. */
  gateway?: GatewayPort;
  /**
   * The approval gate, for what a wrapped program does directly (its start,
   * its connections) when the manifest makes that critical. Without one,
   * such an agent is refused (fail closed).
   */
  approve?: (request: ApprovalRequest) => Promise<GateOutcome>;
  /** octant.yaml services.agents.acceptUnenforcedLimits: run agents even where their limits cannot be enforced. */
  acceptUnenforcedLimits?: boolean;
  scheduler?: Scheduler;
  newAid?: () => string;
  log?: Logger;
}
