// Checks what callers hand the store (put, relate, search, import lines)
// and names the offending field: bad input is refused whole, never half
// written (E_MEMORY_INPUT).

import { OctantError } from '../../../lib/errors.ts';
import type { Memory, Partition, PutInput, Relation } from '../types.ts';

/** Partitions are agent names (the same shape as a manifest's agent name), so a name is also a safe file name. */
export const PARTITION_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A key holds a relation's triple too (relate: 'rel:from|relation|to'), hence key >= 3 x relationPart + 6. */
export const LIMITS = { text: 32_768, key: 1024, tags: 32, tag: 64, relationPart: 256 } as const;
const KINDS: readonly Memory['kind'][] = ['fact', 'note', 'turn'];

export function inputError(field: string, message: string, where = 'memory'): OctantError {
  return new OctantError('E_MEMORY_INPUT', `${where}: ${field}: ${message}`, { detail: { field } });
}

export function checkPartition(partition: unknown): Partition {
  if (typeof partition !== 'string' || !PARTITION_NAME.test(partition)) {
    throw inputError('partition', 'expected an agent name (lowercase letters, digits and -, starting with a letter, at most 63)');
  }
  return partition;
}

export function checkId(id: unknown, field = 'id', where?: string): string {
  if (typeof id !== 'string' || !ID.test(id)) throw inputError(field, 'expected 1-64 letters, digits, _ or -', where);
  return id;
}

function text(value: unknown, field: string, max: number, where?: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw inputError(field, 'expected non-empty text', where);
  if (value.length > max) throw inputError(field, `longer than ${max} characters`, where);
  return value;
}

export function checkTime(value: unknown, field: string, where?: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw inputError(field, 'expected milliseconds since the epoch (a non-negative integer)', where);
  }
  return value;
}

export function checkRelation(value: unknown, field = 'relation', where?: string): Relation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw inputError(field, 'expected {from, relation, to}', where);
  const r: Record<string, unknown> = { ...value };
  for (const name of Object.keys(r)) if (!['from', 'relation', 'to'].includes(name)) throw inputError(`${field}.${name}`, 'unknown field', where);
  return {
    from: text(r.from, `${field}.from`, LIMITS.relationPart, where),
    relation: text(r.relation, `${field}.relation`, LIMITS.relationPart, where),
    to: text(r.to, `${field}.to`, LIMITS.relationPart, where),
  };
}

function tags(value: unknown, where?: string): string[] {
  if (!Array.isArray(value) || value.length > LIMITS.tags) throw inputError('tags', `expected at most ${LIMITS.tags} labels`, where);
  return value.map((t, i) => text(t, `tags[${i}]`, LIMITS.tag, where));
}

const PUT_FIELDS = new Set(['kind', 'key', 'text', 'importance', 'pinned', 'validFrom', 'validTo', 'tags', 'relation']);

/** A checked copy of a put's input (unknown fields refused: a typo must not be silently dropped). */
export function checkPutInput(input: unknown, where?: string): PutInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw inputError('input', 'expected an object', where);
  const raw: Record<string, unknown> = { ...input };
  for (const name of Object.keys(raw)) if (!PUT_FIELDS.has(name)) throw inputError(name, 'unknown field', where);
  const kind = KINDS.find((k) => k === raw.kind);
  if (kind === undefined) throw inputError('kind', "expected 'fact', 'note' or 'turn'", where);
  const checked: PutInput = { kind, text: text(raw.text, 'text', LIMITS.text, where) };
  if (kind === 'fact') checked.key = text(raw.key, 'key', LIMITS.key, where);
  else if (raw.key !== undefined) throw inputError('key', `only a fact has a key (this is a ${kind})`, where);
  if (raw.importance !== undefined) {
    if (typeof raw.importance !== 'number' || !(raw.importance >= 0 && raw.importance <= 1)) throw inputError('importance', 'expected a number from 0 to 1', where);
    checked.importance = raw.importance;
  }
  if (raw.pinned !== undefined) {
    if (typeof raw.pinned !== 'boolean') throw inputError('pinned', 'expected true or false', where);
    checked.pinned = raw.pinned;
  }
  if (raw.validFrom !== undefined) checked.validFrom = checkTime(raw.validFrom, 'validFrom', where);
  if (raw.validTo !== undefined) {
    checked.validTo = checkTime(raw.validTo, 'validTo', where);
    if (checked.validTo <= (checked.validFrom ?? -1)) throw inputError('validTo', 'must be after validFrom', where);
  }
  if (raw.tags !== undefined) checked.tags = tags(raw.tags, where);
  if (raw.relation !== undefined) checked.relation = checkRelation(raw.relation, 'relation', where);
  return checked;
}

/** A new memory id: time-ordered (base-36 milliseconds) then 64 random bits, so ids sort by creation and never collide. */
export function newMemoryId(now: number): string {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `m${now.toString(36)}${random[0]!.toString(36).padStart(7, '0')}${random[1]!.toString(36).padStart(7, '0')}`;
}
