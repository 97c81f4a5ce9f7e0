// One ledger entry: validation of the event a caller hands in, and the exact
// bytes that get framed, hashed and chained (RFC 8785 canonical JSON of
// {seq, time, agent, lineage, kind, action, target, decision, detail, prev}).

import { canonicalBytes } from '../../lib/canonical-json.ts';
import { OctantError, isOctantError } from '../../lib/errors.ts';
import type { LedgerEntry, LedgerEvent } from './types.ts';

/** Largest canonical entry accepted; detail is for facts, not payloads. */
export const MAX_ENTRY_BYTES = 64 * 1024;

/** The agent name of events that belong to no agent. */
export const SYSTEM_AGENT = 'system';

/** The final entry of a partition (written by seal); nothing may follow it. */
export const SEAL_KIND = 'lifecycle';
export const SEAL_ACTION = 'partition.seal';

export function isSeal(entry: Pick<LedgerEntry, 'kind' | 'action'>): boolean {
  return entry.kind === SEAL_KIND && entry.action === SEAL_ACTION;
}

const STRING_FIELDS = ['agent', 'kind', 'action', 'target', 'decision'] as const;

function badEvent(field: string, why: string): OctantError {
  return new OctantError('E_LEDGER_EVENT', `ledger event: ${field} ${why}`);
}

/** Check an event's shape; throws E_LEDGER_EVENT naming the field. */
export function validateEvent(event: LedgerEvent): void {
  if (typeof event !== 'object' || event === null) throw badEvent('event', 'must be an object');
  for (const field of STRING_FIELDS) {
    const value = (event as unknown as Record<string, unknown>)[field];
    if (typeof value !== 'string') throw badEvent(field, 'must be a string');
    if (field !== 'target' && value === '') throw badEvent(field, 'must not be empty');
  }
  if (!Array.isArray(event.lineage) || !event.lineage.every((a) => typeof a === 'string' && a !== '')) {
    throw badEvent('lineage', 'must be an array of non-empty AIDs');
  }
  if (typeof event.detail !== 'object' || event.detail === null || Array.isArray(event.detail)) {
    throw badEvent('detail', 'must be an object');
  }
}

/** Build the entry and its canonical bytes; throws E_LEDGER_ENTRY_TOO_LARGE over the limit. */
export function buildEntry(event: LedgerEvent, seq: number, time: string, prev: string): { entry: LedgerEntry; bytes: Buffer } {
  validateEvent(event);
  const entry: LedgerEntry = {
    seq,
    time,
    agent: event.agent,
    lineage: [...event.lineage],
    kind: event.kind,
    action: event.action,
    target: event.target,
    decision: event.decision,
    detail: event.detail,
    prev,
  };
  let bytes: Buffer;
  try {
    bytes = canonicalBytes(entry);
  } catch (error) {
    if (isOctantError(error, 'E_CANONICAL_JSON')) throw badEvent('detail', `has a value with no JSON form (${error.message})`);
    throw error;
  }
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new OctantError('E_LEDGER_ENTRY_TOO_LARGE', `ledger event: entry is ${bytes.length} bytes, over the ${MAX_ENTRY_BYTES}-byte limit (field detail holds the bulk)`, {
      hint: 'record facts (sizes, hashes, names) in detail, not payloads',
    });
  }
  return { entry, bytes };
}

/** Parse stored entry bytes; returns undefined when they are not an entry. */
export function parseEntry(bytes: Uint8Array): LedgerEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as LedgerEntry;
  if (!Number.isSafeInteger(e.seq) || typeof e.time !== 'string' || typeof e.prev !== 'string') return undefined;
  for (const field of STRING_FIELDS) if (typeof e[field] !== 'string') return undefined;
  if (!Array.isArray(e.lineage) || typeof e.detail !== 'object' || e.detail === null) return undefined;
  return e;
}
