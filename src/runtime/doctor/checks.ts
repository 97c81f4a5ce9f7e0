// What `octant doctor` checks, and what each result means. The facts come
// from probes (probes.ts reads the real kernel; tests pass their own), so the
// judgement here is plain data in, report out.

export type NamespaceKind = 'user' | 'mount' | 'pid' | 'net' | 'ipc' | 'uts' | 'cgroup';
export const NAMESPACES: readonly NamespaceKind[] = ['user', 'mount', 'pid', 'net', 'ipc', 'uts', 'cgroup'];

/** One raw fact: did it work, and a line saying what was seen. */
export interface Finding {
  ok: boolean;
  detail: string;
}

export interface CgroupFacts {
  /** Controllers of mounted cgroup v1 hierarchies (e.g. memory, pids, cpu). */
  v1: string[];
  /** Controllers enabled in the cgroup v2 hierarchy, and where it is mounted. */
  v2: string[];
  v2Mount: string | undefined;
}

export interface DoctorProbes {
  namespace(kind: NamespaceKind): Finding;
  seccomp(): Finding;
  cgroups(): CgroupFacts;
  /** Whether this user's agents get a cgroup for their limits (kernel/cgroups/placement.ts). */
  limits(): Finding;
  tool(name: 'bwrap' | 'runsc'): Finding;
  /** Landlock ABI version, or -errno. */
  landlockAbi(): number;
  ffi(): Finding;
}

export type CheckStatus = 'ok' | 'missing' | 'optional-missing';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  required: boolean;
  detail: string;
  /** One line saying what to do, when not ok. */
  hint?: string;
}

export interface DoctorReport {
  /** False when any required check is missing. */
  ok: boolean;
  checks: CheckResult[];
}

/** Controllers the sandbox sets limits with (kernel/cgroups). */
export const NEEDED_CONTROLLERS = ['memory', 'pids', 'cpu'] as const;

const NAMESPACE_HINTS: Record<NamespaceKind, string> = {
  user: 'enable CONFIG_USER_NS and unprivileged user namespaces (kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0, no AppArmor restriction): every agent\'s bubblewrap creates one as the agent\'s unprivileged uid',
  mount: 'enable CONFIG_NAMESPACES; agents get their own filesystem view through it',
  pid: 'enable CONFIG_PID_NS; agents must not see or signal other processes',
  net: 'enable CONFIG_NET_NS; agent egress goes only through the proxy in its own network namespace',
  ipc: 'enable CONFIG_IPC_NS; agents must not share System V IPC with the host',
  uts: 'enable CONFIG_UTS_NS; agents get their own hostname',
  cgroup: 'enable CONFIG_CGROUP_NS; agents must not see the host cgroup tree',
};

function check(name: string, finding: Finding, required: boolean, hint: string): CheckResult {
  const status: CheckStatus = finding.ok ? 'ok' : required ? 'missing' : 'optional-missing';
  return finding.ok ? { name, status, required, detail: finding.detail } : { name, status, required, detail: finding.detail, hint };
}

function cgroupCheck(facts: CgroupFacts): CheckResult {
  const v1 = new Set(facts.v1);
  const v2 = new Set(facts.v2);
  const seen = [
    facts.v1.length > 0 ? `v1: ${[...facts.v1].sort().join(' ')}` : 'v1: none',
    facts.v2Mount !== undefined ? `v2 at ${facts.v2Mount}: ${facts.v2.length > 0 ? [...facts.v2].sort().join(' ') : 'no controllers'}` : 'v2: not mounted',
  ].join('; ');
  const lacking = NEEDED_CONTROLLERS.filter((c) => !v1.has(c) && !v2.has(c));
  return check('cgroups', { ok: lacking.length === 0, detail: lacking.length === 0 ? seen : `${seen} (no ${lacking.join(', ')})` }, true,
    `mount the ${lacking.join(', ')} controller(s) (cgroup v1 hierarchies or v2 with them enabled in cgroup.subtree_control)`);
}

// Required: the bubblewrap tier refuses to start an agent without it
// (E_SANDBOX_LANDLOCK): it restricts what agents execute and is the second
// filesystem layer (docs/isolation.md, "Exec control and Landlock").
const LANDLOCK_HINT = 'use Linux 5.13+ with "landlock" in the lsm= boot parameter; agents run only where Landlock restricts what they execute';

function landlockCheck(abi: number): CheckResult {
  const detail = abi > 0 ? `ABI version ${abi}`
    : abi === -38 ? 'the kernel has no Landlock (ENOSYS)'
    : abi === -95 ? 'Landlock is built in but disabled at boot (EOPNOTSUPP)'
    : `landlock_create_ruleset failed (errno ${-abi})`;
  return check('landlock', { ok: abi > 0, detail }, true, LANDLOCK_HINT);
}

const LIMITS_HINT = 'agents are refused (E_SANDBOX_LIMITS_UNENFORCED) unless accepted with --accept-unenforced-limits or services.agents.acceptUnenforcedLimits; to enforce them run as root, or on cgroup v2 inside a delegated unit (systemd-run --user --scope -p Delegate=yes octant up); docs/troubleshooting.md';

/** Run every probe and judge the results. A probe that throws counts as missing. */
export function runChecks(probes: DoctorProbes): DoctorReport {
  const guard = (name: string, run: () => CheckResult, required: boolean, hint: string): CheckResult => {
    try {
      return run();
    } catch (error) {
      return check(name, { ok: false, detail: `probe failed: ${(error as Error).message}` }, required, hint);
    }
  };
  const checks: CheckResult[] = [
    ...NAMESPACES.map((kind) => guard(`namespace.${kind}`, () => check(`namespace.${kind}`, probes.namespace(kind), true, NAMESPACE_HINTS[kind]), true, NAMESPACE_HINTS[kind])),
    guard('seccomp', () => check('seccomp', probes.seccomp(), true, 'enable CONFIG_SECCOMP_FILTER; every agent runs under a seccomp-BPF filter'), true, 'enable CONFIG_SECCOMP_FILTER'),
    guard('cgroups', () => cgroupCheck(probes.cgroups()), true, 'mount the cgroup controllers'),
    // Not required: without it agents run only when the operator accepts unenforced limits.
    guard('limits', () => check('limits', probes.limits(), false, LIMITS_HINT), false, LIMITS_HINT),
    guard('bubblewrap', () => check('bubblewrap', probes.tool('bwrap'), true, 'install bubblewrap (Debian: apt-get install bubblewrap); it builds every agent sandbox'), true, 'install bubblewrap'),
    guard('runsc', () => check('runsc', probes.tool('runsc'), false, 'optional: install gVisor runsc for the stronger isolation tier'), false, 'optional: install gVisor runsc'),
    guard('landlock', () => landlockCheck(probes.landlockAbi()), true, LANDLOCK_HINT),
    guard('node-ffi', () => check('node-ffi', probes.ffi(), true, 'run the octant executable (Node 26 with node:ffi) on glibc; init and doctor call libc through it'), true, 'needs node:ffi'),
  ];
  return { ok: checks.every((c) => c.status !== 'missing'), checks };
}
