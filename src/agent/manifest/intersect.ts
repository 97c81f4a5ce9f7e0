// Delegation by intersection: what a child may do is what both it and its
// parent allow (docs/manifests.md "Intersection").
//   paths           by containment (for a nested pair, the inner path)
//   destinations    host, port range and protocol each by containment
//   sets            by intersection (syscalls, credentials, skills)
//   numbers         by minimum (resources, spawn limits)
//   booleans        by AND (spawning.allowed)
//   TTL             minimum of both, and of the parent's remaining life
//   governance      critical actions by union (more approval, never less);
//                   quorum rules per action class, the stricter of each field
//   children        the stricter policy: terminate < wind-down < adopt, and
//                   between two wind-downs the shorter grace (how long a
//                   child's children may outlive it is bounded by how long
//                   the parent lets its own outlive it)
//   retain          paths by containment, like filesystem paths
//   isolation       the stronger tier: a child of a gvisor parent is gvisor
//   search          engines and indexes by intersection, "*" giving way
//                   to the other side's names (search-grant.ts)
//   memory          only when both have it; grants narrowed (memory-domain.ts)
// The identity is the child's. Over everything else intersect is
// idempotent, commutative and associative (intersect.test.ts checks it on
// random manifests); the result never exceeds either input.

import { stricterPartial } from '../../services/quorum/api.ts';
import { intersectDestinations } from './destination.ts';
import { sortedSet } from './field-reader.ts';
import { intersectMemory } from './memory-domain.ts';
import { intersectPaths } from './path-set.ts';
import { intersectSearch } from './search-grant.ts';
import { childrenOf, isolationOf, retainOf, strongerTier, type Children, type Lifetime, type Manifest } from './schema.ts';

export interface IntersectOptions {
  /** Seconds the parent has left to live (null = unlimited); caps the child's TTL. */
  parentRemainingSeconds?: number | null;
}

function intersectSets(a: readonly string[], b: readonly string[]): string[] {
  const other = new Set(b);
  return sortedSet(a.filter((x) => other.has(x)));
}

function minTtl(a: Lifetime['ttl'], b: Lifetime['ttl']): Lifetime['ttl'] {
  if (a === 'unlimited') return b;
  if (b === 'unlimited') return a;
  return Math.min(a, b);
}

/** How long children may outlive their parent under a policy: 0, the grace, or forever. */
function outlives(c: Children): number {
  return c.policy === 'terminate' ? 0 : c.policy === 'wind-down' ? c.graceSeconds : Infinity;
}

/** The meet of two children policies (a total order, so min is a lattice meet). */
export function intersectChildren(a: Children, b: Children): Children {
  return outlives(a) <= outlives(b) ? a : b;
}

/** The stricter of two manifests' quorum rules, per action class (rules.ts stricterPartial). */
function intersectQuorum(a: Manifest['governance']['quorum'], b: Manifest['governance']['quorum']): Manifest['governance']['quorum'] {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out: NonNullable<Manifest['governance']['quorum']> = {};
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    out[key] = stricterPartial(Object.hasOwn(a, key) ? a[key] : {}, Object.hasOwn(b, key) ? b[key] : {});
  }
  return out;
}

export function intersect(parent: Manifest, child: Manifest, options: IntersectOptions = {}): Manifest {
  let ttl = minTtl(parent.lifetime.ttl, child.lifetime.ttl);
  const remaining = options.parentRemainingSeconds;
  if (remaining !== undefined && remaining !== null) ttl = minTtl(ttl, Math.max(1, Math.floor(remaining)));
  const critical = sortedSet([...parent.governance.critical, ...child.governance.critical]);
  const allowed = parent.spawning.allowed && child.spawning.allowed;
  const children = intersectChildren(childrenOf(parent), childrenOf(child));
  const retain = intersectPaths(retainOf(parent), retainOf(child));
  const effective: Manifest = {
    version: child.version,
    identity: child.identity,
    filesystem: {
      read: intersectPaths(parent.filesystem.read, child.filesystem.read),
      write: intersectPaths(parent.filesystem.write, child.filesystem.write),
    },
    network: { destinations: intersectDestinations(parent.network.destinations, child.network.destinations) },
    syscalls: intersectSets(parent.syscalls, child.syscalls),
    processes: { exec: intersectPaths(parent.processes.exec, child.processes.exec) },
    resources: {
      cpu: Math.min(parent.resources.cpu, child.resources.cpu),
      memory: Math.min(parent.resources.memory, child.resources.memory),
      ioBandwidth: Math.min(parent.resources.ioBandwidth, child.resources.ioBandwidth),
      pids: Math.min(parent.resources.pids, child.resources.pids),
      networkThroughput: Math.min(parent.resources.networkThroughput, child.resources.networkThroughput),
    },
    credentials: intersectSets(parent.credentials, child.credentials),
    skills: intersectSets(parent.skills, child.skills),
    spawning: {
      allowed,
      maxDepth: allowed ? Math.min(parent.spawning.maxDepth, child.spawning.maxDepth) : 0,
      maxDescendants: allowed ? Math.min(parent.spawning.maxDescendants, child.spawning.maxDescendants) : 0,
    },
    lifetime: {
      ttl,
      onExpiry: parent.lifetime.onExpiry === 'terminate' || child.lifetime.onExpiry === 'terminate' ? 'terminate' : 'graceful',
    },
    governance: { critical: critical.includes('*') ? ['*'] : critical },
  };
  const quorum = intersectQuorum(parent.governance.quorum, child.governance.quorum);
  if (quorum !== undefined) effective.governance.quorum = quorum;
  // Defaults stay out of the normal form (schema.ts).
  if (children.policy !== 'terminate') effective.lifetime.children = { ...children };
  if (retain.length > 0) effective.retain = retain;
  if (strongerTier(isolationOf(parent), isolationOf(child)) === 'gvisor') effective.isolation = 'gvisor';
  const search = intersectSearch(parent.search, child.search);
  if (search !== undefined) effective.search = search;
  const memory = intersectMemory(parent, child);
  if (memory !== undefined) effective.memory = memory;
  return effective;
}
