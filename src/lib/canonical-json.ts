// RFC 8785 JSON Canonicalization Scheme (JCS).
// - object members sorted by their names' UTF-16 code units (§3.2.3);
// - numbers serialised as ECMAScript Number.prototype.toString (§3.2.2.3),
//   which is what JSON.stringify does for finite numbers;
// - strings escaped as JSON.stringify does (§3.2.2.2 matches ES2019+).
// Non-finite numbers, undefined, functions, symbols and bigints have no JSON
// form and are refused rather than silently dropped.

import { OctantError } from './errors.ts';

export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new OctantError('E_CANONICAL_JSON', `${path}: ${value} has no JSON form`);
      }
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
      }
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        // Default sort compares UTF-16 code units, as §3.2.3 requires.
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, `${path}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new OctantError('E_CANONICAL_JSON', `${path}: a ${typeof value} has no JSON form`);
  }
}
