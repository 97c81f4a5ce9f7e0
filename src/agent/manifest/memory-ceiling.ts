// A role's ceiling on the `memory` domain (validation rule 3; docs/manifests.md
// "Roles"). A role without `memory` allows no memory at all (default-deny,
// as for `search`); with it, a manifest naming the role may ask for no more
// than:
//
//   memory:
//     read: ["*"]              # agent names whose memory it may ask to read, or "*"
//     shareWith: [reviewer]    # agent names it may share its memory with, or "*"
//     remoteEmbedder: []       # router deployments memory may be sent to for embeddings, or "*"
//     remoteExtractor: []      # ... for entity extraction (T4), or "*"
//     retention: { maxAge: 90d, maxCount: 100000 }   # the longest and the most it may keep
//
// A list left out allows nothing. Retention caps what is KEPT: under a
// ceiling with maxAge, a manifest must set a maxAge no longer (leaving it out
// means "keep forever", which is more). A parent's memory is not checked
// here: a child's narrows by intersection (memory-domain.ts intersectMemory).

import { AGENT_NAME } from './schema.ts';
import type { MemoryDomain, MemoryRetention } from './memory-domain.ts';
import { readDeploymentId } from './memory-domain.ts';
import { has, join, readInteger, readList, readName, readObject, sortedSet } from './field-reader.ts';
import { readTtl } from './units.ts';

export interface MemoryCeiling {
  /** Agent names, or ["*"]. */
  read: string[];
  shareWith: string[];
  /** Router deployment ids, or ["*"]. */
  remoteEmbedder: string[];
  remoteExtractor: string[];
  /** The longest age and the largest count a manifest may keep; absent parts: no cap. */
  retention: MemoryRetention;
}

type ListKey = 'read' | 'shareWith' | 'remoteEmbedder' | 'remoteExtractor';
const LISTS: readonly ListKey[] = ['read', 'shareWith', 'remoteEmbedder', 'remoteExtractor'];

function readEntries(value: unknown, path: string, entry: (v: unknown, p: string) => string): string[] {
  const set = sortedSet(readList(value, path, (v, p) => (v === '*' ? '*' : entry(v, p))));
  return set.includes('*') ? ['*'] : set;
}

/** `memory:` of a role's ceiling, read with the manifest's own field readers. */
export function readMemoryCeiling(value: unknown, path: string): MemoryCeiling {
  const r = readObject(value ?? {}, path, ['read', 'shareWith', 'remoteEmbedder', 'remoteExtractor', 'retention']);
  const agent = (v: unknown, p: string): string => readName(v, p, AGENT_NAME, 'agent name');
  const out: MemoryCeiling = { read: [], shareWith: [], remoteEmbedder: [], remoteExtractor: [], retention: {} };
  for (const key of LISTS) {
    if (has(r, key)) out[key] = readEntries(r[key], join(path, key), key === 'read' || key === 'shareWith' ? agent : readDeploymentId);
  }
  if (has(r, 'retention')) {
    const t = readObject(r.retention, join(path, 'retention'), ['maxAge', 'maxCount']);
    if (has(t, 'maxAge')) {
      const age = readTtl(t.maxAge, join(path, 'retention.maxAge'));
      if (age !== 'unlimited') out.retention.maxAge = age;
    }
    if (has(t, 'maxCount')) out.retention.maxCount = readInteger(t.maxCount, join(path, 'retention.maxCount'), 1, 10_000_000);
  }
  return out;
}

/** The first part of `memory` beyond `ceiling` (undefined: it fits), as the ceiling check reports it. */
export function memoryExcess(memory: MemoryDomain | undefined, ceiling: MemoryCeiling | undefined): { field: string; asked: string; allowed: string } | undefined {
  if (memory === undefined) return undefined;
  if (ceiling === undefined) return { field: 'memory', asked: 'a memory', allowed: 'no memory' };
  for (const key of LISTS) {
    const allowed = ceiling[key];
    if (allowed.includes('*')) continue;
    const asked = memory[key];
    const list = asked === undefined ? [] : typeof asked === 'string' ? [asked] : asked;
    const at = list.findIndex((x) => !allowed.includes(x));
    if (at !== -1) {
      return { field: typeof asked === 'string' ? `memory.${key}` : `memory.${key}[${at}]`, asked: list[at], allowed: allowed.length === 0 ? 'nothing' : allowed.join(', ') };
    }
  }
  const cap = ceiling.retention;
  const kept = memory.retention ?? {};
  // Keeping longer or more is more: "forever" (left out) exceeds any cap.
  if (cap.maxAge !== undefined && (kept.maxAge === undefined || kept.maxAge > cap.maxAge)) {
    return { field: 'memory.retention.maxAge', asked: kept.maxAge === undefined ? 'unlimited' : `${kept.maxAge} seconds`, allowed: `at most ${cap.maxAge} seconds` };
  }
  if (cap.maxCount !== undefined && (kept.maxCount === undefined || kept.maxCount > cap.maxCount)) {
    return { field: 'memory.retention.maxCount', asked: kept.maxCount === undefined ? 'unlimited' : String(kept.maxCount), allowed: `at most ${cap.maxCount}` };
  }
  return undefined;
}
