// The manifest: its types and validation rule 1 (schema compliance).
//
// Every permission domain is explicit in the normal form; a domain or list
// left out of the authoring YAML means "nothing" (absent means denied).
// identity, resources and lifetime have no safe "nothing" and are required.
// Unknown fields anywhere are errors. validateSchema returns the normal form:
// sizes in bytes, TTL in seconds, syscall groups expanded, sets sorted and
// free of duplicates and of entries inside other entries. The normal form is
// what gets signed, and validating it again gives it back unchanged.
//
// Six fields are left out of the normal form when they hold their default,
// lifetime.children (terminate), retain ([]), isolation (namespaces),
// governance.quorum (no rule of its own), memory (no memory) and search
// (nothing), so
// manifests signed before they existed keep their digest and their signature.

import governance from './data/governance-actions.json' with { type: 'json' };
import { readRule, type Rule } from '../../services/quorum/api.ts';
import { remoteCatalog } from '../../services/search/api.ts';
import { isOctantError } from '../../lib/errors.ts';
import { type Destination, normalizeDestinations, readDestination } from './destination.ts';
import { has, join, readBoolean, readEnum, readInteger, readList, readName, readObject, readString, schemaError, sortedSet } from './field-reader.ts';
import { normalizePaths, readPath, readRelativePath } from './path-set.ts';
import { readMemory, type MemoryDomain } from './memory-domain.ts';
import { readSyscalls } from './syscall-groups.ts';
import { readBytes, readTtl } from './units.ts';
import { readSearch, type SearchGrant } from './search-grant.ts';

export const MANIFEST_VERSION = 1;

export interface Identity {
  /** Unique among live agents (rule 8). */
  name: string;
  /** Role whose ceiling the manifest must fit (rule 3); absent = no role. */
  role?: string;
  /** Who is answerable for this agent (an operator name or address). */
  operator: string;
  description?: string;
}

export interface Resources {
  /** CPU quota in cores (0.5 = half a core). */
  cpu: number;
  /** Memory ceiling, bytes. */
  memory: number;
  /** Block I/O bandwidth, bytes per second (read and write each). */
  ioBandwidth: number;
  /** Maximum tasks (processes and threads). */
  pids: number;
  /** Egress throughput through the proxy, bytes per second. */
  networkThroughput: number;
}

export interface Spawning {
  allowed: boolean;
  /** Generations of descendants below this agent (1 = children only). */
  maxDepth: number;
  /** Descendants alive at once, all generations. */
  maxDescendants: number;
}

export const EXPIRY_POLICIES = ['terminate', 'graceful'] as const;

/** What happens to this agent's children when it terminates (agent-lifecycle "Spawning"). */
export const CHILDREN_POLICIES = ['terminate', 'wind-down', 'adopt'] as const;
export type ChildrenPolicy = (typeof CHILDREN_POLICIES)[number];

/** Longest wind-down grace a manifest may give its children: one day. */
export const MAX_GRACE_SECONDS = 86_400;

/**
 * terminate: children are terminated with this agent (the default);
 * wind-down: they get `graceSeconds` to finish, then are terminated;
 * adopt: the system adopts them and they run on to their own TTL.
 */
export type Children = { policy: 'terminate' } | { policy: 'wind-down'; graceSeconds: number } | { policy: 'adopt' };

export interface Lifetime {
  /** Seconds, or "unlimited" (rule 9: needs an operator approval). */
  ttl: number | 'unlimited';
  /** terminate: killed at expiry; graceful: SIGTERM, then killed after a grace period. */
  onExpiry: (typeof EXPIRY_POLICIES)[number];
  /** Absent in the normal form when it is { policy: 'terminate' }. */
  children?: Children;
}

export interface Manifest {
  version: typeof MANIFEST_VERSION;
  identity: Identity;
  filesystem: { read: string[]; write: string[] };
  network: { destinations: Destination[] };
  /** Allowed syscall names (groups already expanded). */
  syscalls: string[];
  /** Programs (or directories of programs) the agent may execute. */
  processes: { exec: string[] };
  resources: Resources;
  /** Vault grant names. */
  credentials: string[];
  /** Approved skill ids. */
  skills: string[];
  spawning: Spawning;
  lifetime: Lifetime;
  /**
   * critical: actions that wait for the quorum and an operator; "*" = all.
   * quorum: rules of the vote per action class ("*": every class), which can
   * only make the system policy stricter (docs/governance.md); absent in the
   * normal form when empty.
   */
  governance: { critical: string[]; quorum?: Record<string, Partial<Rule>> };
  /** Paths relative to the agent's scratch directory kept after it ends; absent in the normal form when empty. */
  retain?: string[];
  /** The least isolation tier the agent runs in; absent in the normal form when it is namespaces. */
  isolation?: 'gvisor';
  /** Remote engines and local indexes search.query may reach (search-grant.ts); absent in the normal form when none. */
  search?: SearchGrant;
  /** Its memory (memory-domain.ts); absent = no memory at all. */
  memory?: MemoryDomain;
}

/**
 * namespaces: bubblewrap (namespaces, seccomp, cgroup) on the host kernel;
 * gvisor: the same policy under gVisor's runsc, a user-space kernel in
 * between. Ordered weakest first.
 */
export const ISOLATION_TIERS = ['namespaces', 'gvisor'] as const;
export type IsolationTier = (typeof ISOLATION_TIERS)[number];

/** An effective manifest is a manifest after intersection and validation. */
export type EffectiveManifest = Manifest;

export const AGENT_NAME = /^[a-z][a-z0-9-]{0,62}$/;
export const GRANT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ROLE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const ACTIONS: readonly string[] = governance.actions.map((a) => a.name);

const TOP = ['version', 'identity', 'filesystem', 'network', 'syscalls', 'processes', 'resources', 'credentials', 'skills', 'spawning', 'lifetime', 'governance', 'retain', 'isolation', 'memory', 'search'] as const;

export function readIdentity(value: unknown, path: string): Identity {
  const r = readObject(value, path, ['name', 'role', 'operator', 'description'], ['name', 'operator']);
  const identity: Identity = { name: readName(r.name, join(path, 'name'), AGENT_NAME, 'agent name'), operator: readString(r.operator, join(path, 'operator'), 256) };
  if (has(r, 'role')) identity.role = readName(r.role, join(path, 'role'), ROLE_NAME, 'role name');
  if (has(r, 'description')) identity.description = readString(r.description, join(path, 'description'), 1024);
  return identity;
}

export function readFilesystem(value: unknown, path: string): Manifest['filesystem'] {
  const r = readObject(value, path, ['read', 'write']);
  return {
    read: normalizePaths(has(r, 'read') ? readList(r.read, join(path, 'read'), readPath) : []),
    write: normalizePaths(has(r, 'write') ? readList(r.write, join(path, 'write'), readPath) : []),
  };
}

export function readNetwork(value: unknown, path: string): Manifest['network'] {
  const r = readObject(value, path, ['destinations']);
  return { destinations: normalizeDestinations(has(r, 'destinations') ? readList(r.destinations, join(path, 'destinations'), readDestination) : []) };
}

export function readProcesses(value: unknown, path: string): Manifest['processes'] {
  const r = readObject(value, path, ['exec']);
  return { exec: normalizePaths(has(r, 'exec') ? readList(r.exec, join(path, 'exec'), readPath) : []) };
}

/** Names of grants or skills; "*" (any) only where `wildcard` (role ceilings). */
export function readNames(value: unknown, path: string, wildcard = false): string[] {
  return sortedSet(readList(value, path, (v, p) => (wildcard && v === '*' ? '*' : readName(v, p, GRANT_NAME, 'name'))));
}

export function readResources(value: unknown, path: string): Resources {
  const r = readObject(value, path, ['cpu', 'memory', 'ioBandwidth', 'pids', 'networkThroughput'], ['cpu', 'memory', 'ioBandwidth', 'pids', 'networkThroughput']);
  const cpuPath = join(path, 'cpu');
  if (typeof r.cpu !== 'number' || !Number.isFinite(r.cpu)) throw schemaError(cpuPath, 'expected a number of cores like 0.5 or 2');
  if (r.cpu < 0.01 || r.cpu > 1024 || Math.round(r.cpu * 100) !== r.cpu * 100) throw schemaError(cpuPath, `${r.cpu} cores: must be 0.01..1024 in steps of 0.01`);
  return {
    cpu: r.cpu,
    memory: readBytes(r.memory, join(path, 'memory'), { min: 2 ** 20 }),
    ioBandwidth: readBytes(r.ioBandwidth, join(path, 'ioBandwidth'), { rate: true, min: 1024 }),
    pids: readInteger(r.pids, join(path, 'pids'), 1, 4_194_304),
    networkThroughput: readBytes(r.networkThroughput, join(path, 'networkThroughput'), { rate: true, min: 1024 }),
  };
}

export function readSpawning(value: unknown, path: string): Spawning {
  const r = readObject(value, path, ['allowed', 'maxDepth', 'maxDescendants'], ['allowed']);
  const allowed = readBoolean(r.allowed, join(path, 'allowed'));
  const maxDepth = has(r, 'maxDepth') ? readInteger(r.maxDepth, join(path, 'maxDepth'), 0, 16) : 0;
  const maxDescendants = has(r, 'maxDescendants') ? readInteger(r.maxDescendants, join(path, 'maxDescendants'), 0, 10_000) : 0;
  if (!allowed && (maxDepth !== 0 || maxDescendants !== 0)) throw schemaError(path, 'maxDepth and maxDescendants must be 0 when allowed is false');
  if (allowed && (maxDepth === 0 || maxDescendants === 0)) throw schemaError(path, 'maxDepth and maxDescendants must be at least 1 when allowed is true');
  return { allowed, maxDepth, maxDescendants };
}

/** A manifest's children policy, defaults filled in. */
export function childrenOf(m: Manifest): Children {
  return m.lifetime.children ?? { policy: 'terminate' };
}

/** Its retained paths, default filled in. */
export function retainOf(m: Manifest): string[] {
  return m.retain ?? [];
}

/** Its isolation tier, default filled in. */
export function isolationOf(m: Pick<Manifest, 'isolation'>): IsolationTier {
  return m.isolation ?? 'namespaces';
}

/** The stronger of two tiers (gvisor > namespaces). */
export function strongerTier(a: IsolationTier, b: IsolationTier): IsolationTier {
  return ISOLATION_TIERS.indexOf(a) >= ISOLATION_TIERS.indexOf(b) ? a : b;
}

/** `terminate`, `adopt`, or a mapping {policy, graceSeconds} (graceSeconds only, and required, with wind-down). */
export function readChildren(value: unknown, path: string): Children {
  const r = typeof value === 'string' ? { policy: value } : readObject(value, path, ['policy', 'graceSeconds'], ['policy']);
  const policyPath = typeof value === 'string' ? path : join(path, 'policy');
  const policy = readEnum(r.policy, policyPath, CHILDREN_POLICIES);
  if (policy !== 'wind-down') {
    if (has(r, 'graceSeconds')) throw schemaError(join(path, 'graceSeconds'), `only the wind-down policy has a grace period, not ${policy}`);
    return { policy };
  }
  if (!has(r, 'graceSeconds')) throw schemaError(join(path, 'graceSeconds'), 'wind-down needs graceSeconds (how long the children may run on)', 'e.g. children: {policy: wind-down, graceSeconds: 30s}');
  const grace = readTtl(r.graceSeconds, join(path, 'graceSeconds'));
  if (grace === 'unlimited' || grace > MAX_GRACE_SECONDS) throw schemaError(join(path, 'graceSeconds'), `${String(grace)}: at most ${MAX_GRACE_SECONDS} seconds (1d)`, 'use adopt to let children outlive their parent');
  return { policy, graceSeconds: grace };
}

export function readRetain(value: unknown, path: string): string[] {
  return normalizePaths(readList(value, path, readRelativePath));
}

function readLifetime(value: unknown, path: string): Lifetime {
  const r = readObject(value, path, ['ttl', 'onExpiry', 'children'], ['ttl']);
  const lifetime: Lifetime = { ttl: readTtl(r.ttl, join(path, 'ttl')), onExpiry: has(r, 'onExpiry') ? readEnum(r.onExpiry, join(path, 'onExpiry'), EXPIRY_POLICIES) : 'terminate' };
  const children = has(r, 'children') ? readChildren(r.children, join(path, 'children')) : undefined;
  if (children !== undefined && children.policy !== 'terminate') lifetime.children = children;
  return lifetime;
}

/** governance.quorum: a rule per action class, each field checked; empty rules and an empty map are left out. */
function readQuorumRules(value: unknown, path: string): Record<string, Partial<Rule>> | undefined {
  const r = readObject(value, path, ACTIONS);
  const out: Record<string, Partial<Rule>> = {};
  for (const key of Object.keys(r).sort()) {
    let rule: Partial<Rule>;
    try {
      rule = readRule(r[key], join(path, key));
    } catch (error) {
      // The quorum's own check, reported as the manifest's schema error naming the field.
      if (isOctantError(error, 'E_QUORUM_RULE')) throw schemaError(join(path, key), error.message.slice(error.message.indexOf(': ') + 2));
      throw error;
    }
    if (Object.keys(rule).length > 0) out[key] = rule;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function readGovernance(value: unknown, path: string): Manifest['governance'] {
  const r = readObject(value, path, ['critical', 'quorum']);
  const quorum = has(r, 'quorum') ? readQuorumRules(r.quorum, join(path, 'quorum')) : undefined;
  const withQuorum = (g: { critical: string[] }): Manifest['governance'] => (quorum === undefined ? g : { ...g, quorum });
  if (!has(r, 'critical')) return withQuorum({ critical: ['*'] });
  const critical = sortedSet(readList(r.critical, join(path, 'critical'), (v, p) => readEnum(v, p, ACTIONS)));
  return withQuorum({ critical: critical.includes('*') ? ['*'] : critical });
}

/** Rule 1: a parsed object → the normal-form manifest, or E_MANIFEST_SCHEMA naming the field. */
export function validateSchema(value: unknown): Manifest {
  const r = readObject(value, '', TOP, ['version', 'identity', 'resources', 'lifetime']);
  if (r.version !== MANIFEST_VERSION) throw schemaError('version', `expected ${MANIFEST_VERSION}, got ${JSON.stringify(r.version) ?? 'nothing'}`);
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    identity: readIdentity(r.identity, 'identity'),
    filesystem: has(r, 'filesystem') ? readFilesystem(r.filesystem, 'filesystem') : { read: [], write: [] },
    network: has(r, 'network') ? readNetwork(r.network, 'network') : { destinations: [] },
    syscalls: has(r, 'syscalls') ? readSyscalls(r.syscalls, 'syscalls') : [],
    processes: has(r, 'processes') ? readProcesses(r.processes, 'processes') : { exec: [] },
    resources: readResources(r.resources, 'resources'),
    credentials: has(r, 'credentials') ? readNames(r.credentials, 'credentials') : [],
    skills: has(r, 'skills') ? readNames(r.skills, 'skills') : [],
    spawning: has(r, 'spawning') ? readSpawning(r.spawning, 'spawning') : { allowed: false, maxDepth: 0, maxDescendants: 0 },
    lifetime: readLifetime(r.lifetime, 'lifetime'),
    governance: has(r, 'governance') ? readGovernance(r.governance, 'governance') : { critical: ['*'] },
  };
  const retain = has(r, 'retain') ? readRetain(r.retain, 'retain') : [];
  if (retain.length > 0) manifest.retain = retain;
  if (has(r, 'isolation') && readEnum(r.isolation, 'isolation', ISOLATION_TIERS) === 'gvisor') manifest.isolation = 'gvisor';
  if (has(r, 'memory')) manifest.memory = readMemory(r.memory, 'memory', manifest.identity.name);
  const search = has(r, 'search') ? readSearch(r.search, 'search', remoteCatalog) : undefined;
  if (search !== undefined) manifest.search = search;
  return manifest;
}

