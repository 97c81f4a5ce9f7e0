// Reading a parsed manifest (or role) object field by field. Every error is
// E_MANIFEST_SCHEMA (validation rule 1) and names the field path, e.g.
// `network.destinations[2].ports`, so the author can find the line.

import { EXIT, OctantError } from '../../lib/errors.ts';

/** Bounds that keep hostile input small: no list or string grows past these. */
export const LIMITS = { listEntries: 1024, stringChars: 4096, nameChars: 64 } as const;

export function schemaError(path: string, message: string, hint?: string): OctantError {
  return new OctantError('E_MANIFEST_SCHEMA', `${path === '' ? 'manifest' : path}: ${message}`, { exit: EXIT.failure, hint, detail: { rule: 1, field: path } });
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

export function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

/** A mapping whose keys are exactly some of `known`; unknown keys are errors, not ignored. */
export function readObject(value: unknown, path: string, known: readonly string[], required: readonly string[] = []): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw schemaError(path, `expected a mapping, got ${describe(value)}`);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) throw schemaError(join(path, key), 'unknown field', `known fields here: ${known.join(', ')}`);
  }
  for (const key of required) {
    if (!Object.hasOwn(record, key) || record[key] === undefined) throw schemaError(join(path, key), 'required field is missing');
  }
  return record;
}

export function has(record: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(record, key) && record[key] !== undefined;
}

export function readList<T>(value: unknown, path: string, item: (v: unknown, p: string) => T): T[] {
  if (!Array.isArray(value)) throw schemaError(path, `expected a list, got ${describe(value)}`);
  if (value.length > LIMITS.listEntries) throw schemaError(path, `${value.length} entries; at most ${LIMITS.listEntries} are allowed`);
  return value.map((v, i) => item(v, join(path, i)));
}

export function readString(value: unknown, path: string, max: number = LIMITS.stringChars): string {
  if (typeof value !== 'string') throw schemaError(path, `expected a string, got ${describe(value)}`);
  if (value.length === 0) throw schemaError(path, 'must not be empty');
  if (value.length > max) throw schemaError(path, `${value.length} characters; at most ${max} are allowed`);
  return value;
}

export function readName(value: unknown, path: string, pattern: RegExp, what: string): string {
  const text = readString(value, path, LIMITS.nameChars);
  if (!pattern.test(text)) throw schemaError(path, `${JSON.stringify(text)} is not a valid ${what}`, `expected ${pattern.source}`);
  return text;
}

export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw schemaError(path, `expected true or false, got ${describe(value)}`);
  return value;
}

export function readInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw schemaError(path, `expected a whole number, got ${describe(value)}`);
  if (value < min || value > max) throw schemaError(path, `${value} is outside ${min}..${max}`);
  return value;
}

export function readEnum<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw schemaError(path, `expected one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** Sorted, duplicate-free copy: the normal form of every set in a manifest. */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}
