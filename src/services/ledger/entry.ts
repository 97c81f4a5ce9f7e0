// One ledger entry: validation of the event a caller hands in, and the exact
// bytes that get framed, hashed and chained (RFC 8785 canonical JSON of
// {seq, time, agent, lineage, kind, action, target, decision, detail, prev}).

import { canonicalJson } from '../../lib/canonical-json.ts';
import { OctantError, isOctantError } from '../../lib/errors.ts';
import type { LedgerEntry, LedgerEvent } from './types.ts';

/** Largest canonical entry accepted; detail is for facts, not payloads. */
export const MAX_ENTRY_BYTES = 64 * 1024;

/** The agent name of events that belong to no agent. */
export const SYSTEM_AGENT = 'system';

/** The partition of what an operator's commands record (CLI, admin API): never an agent's, never the system's. */
export const OPERATOR_AGENT = 'operator';

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
  // The system partition outlives every agent: a seal would refuse every
  // later system entry (vault init among them) for the life of the log.
  if (event.agent === SYSTEM_AGENT && isSeal(event)) throw badEvent('action', `${SEAL_ACTION}: the ${SYSTEM_AGENT} partition cannot be sealed`);
}

/**
 * Does JSON.stringify write exactly the RFC 8785 form of this value? True
 * when every object in it is a plain object whose own keys already come in
 * UTF-16 order (as most details are built: the router's are), every number
 * is finite and nothing has no JSON form: then stringify keeps that member
 * order and its §3.2.2 number and string forms are the canonical ones. Any
 * doubt answers false and the general canonicaliser runs (which also names
 * a value with no JSON form); a false answer costs time, never bytes.
 */
export function isCanonicalOrder(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        // stringify writes a hole or undefined element as null; canonical JSON refuses it.
        for (let i = 0; i < value.length; i++) if (value[i] === undefined || !isCanonicalOrder(value[i])) return false;
        return true;
      }
      // Plain objects only: a toJSON method or a prototype's keys would change what stringify writes.
      if (Object.getPrototypeOf(value) !== Object.prototype || 'toJSON' in value) return false;
      let previous: string | undefined;
      for (const key of Object.keys(value)) {
        if (previous !== undefined && !(previous < key)) return false;
        previous = key;
        const member = (value as Record<string, unknown>)[key];
        // An undefined member is left out by both.
        if (member !== undefined && !isCanonicalOrder(member)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * Build the entry and its canonical bytes; throws E_LEDGER_ENTRY_TOO_LARGE
 * over the limit. The bytes are written once, after `room` spare bytes at
 * the front of the same buffer (`record`), so the store can fill in the
 * frame header there instead of copying the payload into a frame.
 */
export function buildEntry(event: LedgerEvent, seq: number, time: string, prev: string, room = 0): { entry: LedgerEntry; bytes: Buffer; record: Buffer } {
  validateEvent(event);
  // Members in RFC 8785 §3.2.3 order (UTF-16 order of their names), so that
  // when detail is in canonical order one JSON.stringify of the whole entry
  // writes exactly the canonical bytes (§3.2.2: JSON.stringify's string and
  // number forms are the canonical ones); else the general canonicaliser.
  // entry.test.ts checks this equals canonicalBytes(entry).
  const entry: LedgerEntry = {
    action: event.action,
    agent: event.agent,
    decision: event.decision,
    detail: event.detail,
    kind: event.kind,
    lineage: [...event.lineage],
    prev,
    seq,
    target: event.target,
    time,
  };
  let text: string;
  try {
    text = isCanonicalOrder(event.detail) ? JSON.stringify(entry) : canonicalJson(entry);
  } catch (error) {
    if (isOctantError(error, 'E_CANONICAL_JSON')) throw badEvent('detail', `has a value with no JSON form (${error.message})`);
    throw error;
  }
  const length = Buffer.byteLength(text, 'utf8');
  if (length > MAX_ENTRY_BYTES) {
    throw new OctantError('E_LEDGER_ENTRY_TOO_LARGE', `ledger event: entry is ${length} bytes, over the ${MAX_ENTRY_BYTES}-byte limit (field detail holds the bulk)`, {
      hint: 'record facts (sizes, hashes, names) in detail, not payloads',
    });
  }
  const record = Buffer.allocUnsafe(room + length);
  record.write(text, room, length, 'utf8');
  return { entry, bytes: record.subarray(room), record };
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
