// The manifest's `memory` domain (docs/manifests.md "Memory", docs/memory.md
// "Partitions and sharing"). Absent means the agent has no memory: no memory
// tools, nothing retrieved into its context (default-deny). Present, even
// empty (`memory: {}`), it has its own partition, named by its agent name.
//
// Sharing is two-sided: agent A reads agent B's partition only when A's
// manifest lists B in `memory.read` AND B's manifest (the last one B ran
// with) lists A in `memory.shareWith`. Neither side alone is enough, so no
// agent can reach into another's memory by naming it, and no owner can push
// its memory into an agent that did not ask for it.
//
// Normal form: `memory` only when present; inside it, `read`, `shareWith`
// and `retention` only when not empty, so manifests signed before the
// domain existed keep their digest.

import { has, join, readInteger, readList, readName, readObject, schemaError, sortedSet } from './field-reader.ts';
import { AGENT_NAME, type Manifest } from './schema.ts';
import { readTtl } from './units.ts';

export interface MemoryRetention {
  /** Seconds: memories recorded longer ago are forgotten. */
  maxAge?: number;
  /** Only the newest this many memories are kept. */
  maxCount?: number;
}

export interface MemoryDomain {
  retention?: MemoryRetention;
  /** Agent names that may read this agent's memory (if their own manifests ask to: `read`). */
  shareWith?: string[];
  /** Agent names whose memory this agent asks to read (each must share with it). */
  read?: string[];
  /**
   * The router deployment (its id) that may receive memory text to compute
   * embeddings. Absent: memory never leaves the machine (local embedders only).
   */
  remoteEmbedder?: string;
  /**
   * The router deployment (its id) that may receive memory text to extract
   * T4's entities and relations. Absent: extraction is rule-based, on this
   * machine. Left out of the normal form when absent (existing signatures
   * keep their digest).
   */
  remoteExtractor?: string;
}

export const DEPLOYMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const MAX_COUNT = 10_000_000;

/** A router deployment id (memory.remoteEmbedder, memory.remoteExtractor). */
export function readDeploymentId(value: unknown, path: string): string {
  if (typeof value !== 'string' || !DEPLOYMENT_ID.test(value)) throw schemaError(path, 'expected a router deployment id (letters, digits, . _ : / -)');
  return value;
}

function readAgentNames(value: unknown, path: string): string[] {
  return sortedSet(readList(value, path, (v, p) => readName(v, p, AGENT_NAME, 'agent name')));
}

function readRetention(value: unknown, path: string): MemoryRetention | undefined {
  const r = readObject(value, path, ['maxAge', 'maxCount']);
  const out: MemoryRetention = {};
  if (has(r, 'maxAge')) {
    const age = readTtl(r.maxAge, join(path, 'maxAge'));
    // "unlimited" is what leaving it out means; saying it is kept out of the normal form.
    if (age !== 'unlimited') out.maxAge = age;
  }
  if (has(r, 'maxCount')) out.maxCount = readInteger(r.maxCount, join(path, 'maxCount'), 1, MAX_COUNT);
  return Object.keys(out).length === 0 ? undefined : out;
}

/** `memory:` of an authoring manifest (or a normal form) → its normal form; E_MANIFEST_SCHEMA naming the field. */
export function readMemory(value: unknown, path: string, self: string): MemoryDomain {
  const r = readObject(value ?? {}, path, ['retention', 'shareWith', 'read', 'remoteEmbedder', 'remoteExtractor']);
  const memory: MemoryDomain = {};
  const retention = has(r, 'retention') ? readRetention(r.retention, join(path, 'retention')) : undefined;
  if (retention !== undefined) memory.retention = retention;
  for (const key of ['shareWith', 'read'] as const) {
    if (!has(r, key)) continue;
    const names = readAgentNames(r[key], join(path, key));
    // An agent always reads its own partition; naming itself would be a grant that means nothing.
    if (names.includes(self)) throw schemaError(join(path, key), `${self} is this agent's own name; its own memory needs no grant`);
    if (names.length > 0) memory[key] = names;
  }
  for (const key of ['remoteEmbedder', 'remoteExtractor'] as const) {
    if (has(r, key)) memory[key] = readDeploymentId(r[key], join(path, key));
  }
  return memory;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function common(a: readonly string[] | undefined, b: readonly string[]): string[] {
  const other = new Set(b);
  return sortedSet((a ?? []).filter((x) => other.has(x)));
}

/**
 * A child's memory under its parent (docs/manifests.md "Intersection"):
 *   present     only when both have memory
 *   retention   the shorter age and the smaller count (keeping longer is more)
 *   read        what the child asks AND the parent may read itself; the
 *               parent's own partition only when the parent shares it with
 *               this child by name ("a child never reads its parent's
 *               memory unless granted")
 *   shareWith   what the child offers AND the parent offers, plus the parent
 *               itself: a parent may always be offered its child's memory
 *   remoteEmbedder, remoteExtractor  each kept only when both name the same deployment
 */
export function intersectMemory(parent: Manifest, child: Manifest): MemoryDomain | undefined {
  const p = parent.memory;
  const c = child.memory;
  if (p === undefined || c === undefined) return undefined;
  const out: MemoryDomain = {};
  const maxAge = minDefined(p.retention?.maxAge, c.retention?.maxAge);
  const maxCount = minDefined(p.retention?.maxCount, c.retention?.maxCount);
  if (maxAge !== undefined || maxCount !== undefined) out.retention = { ...(maxAge !== undefined ? { maxAge } : {}), ...(maxCount !== undefined ? { maxCount } : {}) };
  const parentGrants = (p.shareWith ?? []).includes(child.identity.name) ? [parent.identity.name] : [];
  const read = common(c.read, [...(p.read ?? []), ...parentGrants]);
  if (read.length > 0) out.read = read;
  const shareWith = common(c.shareWith, [...(p.shareWith ?? []), parent.identity.name]);
  if (shareWith.length > 0) out.shareWith = shareWith;
  for (const key of ['remoteEmbedder', 'remoteExtractor'] as const) {
    if (p[key] !== undefined && p[key] === c[key]) out[key] = p[key];
  }
  return out;
}
