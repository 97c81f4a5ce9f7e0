// The contract between the agent layer and the kernel layer.
// The manifest compiler (agent/manifest) produces a SandboxPolicy; the kernel
// layer (seccomp, sandbox, cgroups, net) consumes it and knows nothing of
// manifests. Every field is explicit: an empty list grants nothing.

export interface BindMount {
  /** Absolute, canonical host path. */
  source: string;
  /** Absolute path inside the sandbox (usually the same as source). */
  target: string;
  mode: 'ro' | 'rw';
}

export interface NetDestination {
  /** A host name, a `*.domain` wildcard, or a CIDR block. */
  host: string;
  /** Inclusive port range. */
  ports: [number, number];
  protocol: 'tcp' | 'udp' | 'http' | 'https';
}

export interface ResourceLimits {
  /** Memory ceiling in bytes. */
  memoryBytes?: number;
  /** Maximum number of tasks (processes and threads). */
  pids?: number;
  /** CPU quota as a fraction of one CPU (0.5 = half a core). */
  cpu?: number;
  /** Block I/O bandwidth, bytes per second (read and write each). */
  ioBytesPerSec?: number;
  /** Egress throughput through the proxy, bytes per second. */
  netBytesPerSec?: number;
}

/**
 * The unprivileged host identity an agent runs as (never uid 0): bwrap (or
 * runsc's agent process) is started with it, and whatever the host does on
 * the agent's behalf in its files is done with it too (docs/isolation.md
 * "The agent's uid"). No supplementary groups.
 */
export interface AgentUser {
  uid: number;
  gid: number;
}

export interface SandboxPolicy {
  /** The agent's AID: names its cgroup, its sockets and its ledger entries. */
  id: string;
  binds: BindMount[];
  /** Absolute paths of programs the agent may execute. */
  executables: string[];
  /** Syscall names allowed, after the permanent deny list was subtracted. */
  syscalls: string[];
  /** May create AF_INET/AF_INET6 sockets (only loopback exists inside). */
  inet: boolean;
  limits: ResourceLimits;
  /** Egress allowlist enforced by the host-side proxy. */
  network: NetDestination[];
  /** Vault grant names the agent may use by placeholder. */
  credentials: string[];
  /** Seconds until the agent is terminated; null = unlimited (operator-approved). */
  ttlSeconds: number | null;
  /** Size of the private /tmp in bytes. */
  tmpBytes: number;
  isolation: 'namespaces' | 'gvisor';
  /**
   * The unprivileged host uid/gid every process of the sandbox runs as
   * (never 0); the file tools act on the host with these credentials.
   */
  user: AgentUser;
}
