// Containment of a manifest in a ceiling: the parent's manifest (rule 4) or
// a role's ceiling (rule 3). Returns the first field that exceeds it, named
// by its path, so the rejection says exactly what was asked for too much.

import { destinationKey, firstDestinationOutside, type Destination } from './destination.ts';
import type { MemoryCeiling } from './memory-ceiling.ts';
import { firstPathOutside } from './path-set.ts';
import { isolationOf, type IsolationTier, type Manifest, type Resources, type Spawning } from './schema.ts';
import { searchExcess, type SearchGrant } from './search-grant.ts';

/** What a manifest may not exceed. Credentials and skills may hold "*" (any). */
export interface Ceiling {
  filesystem: { read: string[]; write: string[] };
  network: { destinations: Destination[] };
  syscalls: string[];
  processes: { exec: string[] };
  credentials: string[];
  skills: string[];
  resources: Resources;
  spawning: Spawning;
  lifetime: { maxTtl: number | 'unlimited'; unlimited: boolean };
  /** The least tier a manifest under this ceiling must ask for (a parent's; roles set none). */
  isolation?: IsolationTier;
  /** Engines and indexes search.query may reach; absent: none. */
  search?: SearchGrant;
  /** A role's cap on the memory domain (memory-ceiling.ts; checked by rule 3 only); absent: no memory. */
  memory?: MemoryCeiling;
}

export interface Excess {
  field: string;
  /** What was asked for, in words. */
  asked: string;
  /** What the ceiling allows, in words. */
  allowed: string;
}

export function ceilingOf(m: Manifest): Ceiling {
  // A parent's memory is no ceiling: a child's narrows by intersection
  // instead (memory-domain.ts intersectMemory), so it is left out here.
  const { memory: _memory, ...rest } = m;
  return { ...rest, lifetime: { maxTtl: m.lifetime.ttl, unlimited: m.lifetime.ttl === 'unlimited' } };
}

function pathExcess(field: string, inner: string[], outer: string[]): Excess | undefined {
  const i = firstPathOutside(inner, outer);
  return i === -1 ? undefined : { field: `${field}[${i}]`, asked: inner[i], allowed: outer.length === 0 ? 'nothing' : outer.join(', ') };
}

function setExcess(field: string, inner: string[], outer: string[]): Excess | undefined {
  if (outer.includes('*')) return undefined;
  const i = inner.findIndex((x) => !outer.includes(x));
  return i === -1 ? undefined : { field: `${field}[${i}]`, asked: inner[i], allowed: outer.length === 0 ? 'nothing' : `only ${outer.length} listed` };
}

/**
 * The first permission of `m` outside `ceiling`. With `limits` the numeric
 * limits (resources, spawn depth and count, TTL) are checked too; without,
 * they are left to narrow by intersection.
 */
export function firstExcess(m: Manifest, ceiling: Ceiling, limits: boolean): Excess | undefined {
  const d = firstDestinationOutside(m.network.destinations, ceiling.network.destinations);
  const found = pathExcess('filesystem.read', m.filesystem.read, ceiling.filesystem.read)
    ?? pathExcess('filesystem.write', m.filesystem.write, ceiling.filesystem.write)
    ?? (d === -1 ? undefined : { field: `network.destinations[${d}]`, asked: destinationKey(m.network.destinations[d]), allowed: ceiling.network.destinations.map(destinationKey).join(', ') || 'nothing' })
    ?? setExcess('syscalls', m.syscalls, ceiling.syscalls)
    ?? pathExcess('processes.exec', m.processes.exec, ceiling.processes.exec)
    ?? setExcess('credentials', m.credentials, ceiling.credentials)
    ?? setExcess('skills', m.skills, ceiling.skills)
    ?? (m.spawning.allowed && !ceiling.spawning.allowed ? { field: 'spawning.allowed', asked: 'true', allowed: 'false' } : undefined)
    ?? searchExcess(m.search, ceiling.search)
    // Weaker isolation is more than the ceiling allows: a gvisor parent's child is gvisor.
    ?? (ceiling.isolation === 'gvisor' && isolationOf(m) !== 'gvisor' ? { field: 'isolation', asked: isolationOf(m), allowed: 'gvisor only' } : undefined);
  if (found !== undefined || !limits) return found;
  for (const key of ['cpu', 'memory', 'ioBandwidth', 'pids', 'networkThroughput'] as const) {
    if (m.resources[key] > ceiling.resources[key]) return { field: `resources.${key}`, asked: String(m.resources[key]), allowed: `at most ${ceiling.resources[key]}` };
  }
  for (const key of ['maxDepth', 'maxDescendants'] as const) {
    if (m.spawning[key] > ceiling.spawning[key]) return { field: `spawning.${key}`, asked: String(m.spawning[key]), allowed: `at most ${ceiling.spawning[key]}` };
  }
  const ttl = m.lifetime.ttl;
  const max = ceiling.lifetime.maxTtl;
  if (ttl === 'unlimited' ? !ceiling.lifetime.unlimited : max !== 'unlimited' && ttl > max) {
    return { field: 'lifetime.ttl', asked: String(ttl), allowed: ceiling.lifetime.unlimited ? 'anything' : `at most ${max} seconds` };
  }
  return undefined;
}
