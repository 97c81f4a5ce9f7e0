// What changed between two manifests, field by field: list entries added or
// removed, values changed. For reviewing an edit before re-signing it.

import { destinationKey, type Destination } from './destination.ts';
import { childrenOf, isolationOf, retainOf, type Manifest } from './schema.ts';
import { searchOf } from './search-grant.ts';

export interface Change {
  field: string;
  kind: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

function itemKey(item: unknown): string {
  if (item !== null && typeof item === 'object' && 'host' in item) return destinationKey(item as Destination);
  return typeof item === 'string' ? item : JSON.stringify(item);
}

function isList(value: unknown): value is unknown[] {
  // A port range is a value, not a list of entries.
  return Array.isArray(value);
}

function walk(a: unknown, b: unknown, field: string, out: Change[]): void {
  if (isList(a) || isList(b)) {
    const before = new Set((isList(a) ? a : []).map(itemKey));
    const after = new Set((isList(b) ? b : []).map(itemKey));
    for (const x of before) if (!after.has(x)) out.push({ field, kind: 'removed', before: x });
    for (const x of after) if (!before.has(x)) out.push({ field, kind: 'added', after: x });
    return;
  }
  const objA = a !== null && typeof a === 'object' ? (a as Record<string, unknown>) : undefined;
  const objB = b !== null && typeof b === 'object' ? (b as Record<string, unknown>) : undefined;
  if (objA !== undefined || objB !== undefined) {
    const keys = [...new Set([...Object.keys(objA ?? {}), ...Object.keys(objB ?? {})])];
    for (const key of keys) walk(objA?.[key], objB?.[key], field === '' ? key : `${field}.${key}`, out);
    return;
  }
  if (a !== b) {
    const change: Change = { field, kind: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed' };
    if (a !== undefined) change.before = String(a);
    if (b !== undefined) change.after = String(b);
    out.push(change);
  }
}

/** Fields the normal form leaves out at their default, filled in so a change from the default reads as one. */
function withDefaults(m: Manifest): Record<string, unknown> {
  return { ...m, lifetime: { ...m.lifetime, children: childrenOf(m) }, retain: retainOf(m), isolation: isolationOf(m), search: searchOf(m) };
}

export function diffManifests(a: Manifest, b: Manifest): Change[] {
  const out: Change[] = [];
  walk(withDefaults(a), withDefaults(b), '', out);
  return out;
}

export function formatChanges(changes: readonly Change[]): string {
  return changes.map((c) => (c.kind === 'added' ? `+ ${c.field}: ${c.after}` : c.kind === 'removed' ? `- ${c.field}: ${c.before}` : `~ ${c.field}: ${c.before} -> ${c.after}`)).join('\n');
}
