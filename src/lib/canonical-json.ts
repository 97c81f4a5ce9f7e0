// RFC 8785 JSON Canonicalization Scheme (JCS).
// - object members sorted by their names' UTF-16 code units (§3.2.3);
// - numbers serialised as ECMAScript Number.prototype.toString (§3.2.2.3),
//   which is what JSON.stringify does for finite numbers;
// - strings escaped as JSON.stringify does (§3.2.2.2 matches ES2019+).
// Non-finite numbers, undefined (as an array element), functions, symbols and
// bigints have no JSON form and are refused rather than silently dropped;
// an object member whose value is undefined is left out, as JSON.stringify
// does. Every ledger entry with a nested detail goes through here, so the
// writer keeps no bookkeeping: when it meets a value with no JSON form it
// stops, and a second walk (locate) finds and names that value's path.

import { OctantError } from './errors.ts';

/** Thrown by write() at the first value with no JSON form; never escapes this module. */
const NO_FORM = Symbol('no JSON form');

export function canonicalJson(value: unknown): string {
  try {
    return write(value);
  } catch (error) {
    if (error === NO_FORM) throw locate(value, '$') ?? new OctantError('E_CANONICAL_JSON', '$: a value has no JSON form');
    throw error;
  }
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function write(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (Number.isFinite(value)) return JSON.stringify(value);
      throw NO_FORM;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        // An index loop, not map(): map skips holes, which have no JSON form.
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + write(value[i]);
        return `${out}]`;
      }
      // Default sort compares UTF-16 code units, as §3.2.3 requires.
      const keys = Object.keys(value).sort();
      let out = '{';
      for (const key of keys) {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) continue;
        out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + write(member);
      }
      return `${out}}`;
    }
    default:
      throw NO_FORM;
  }
}

/** The error naming the first value (in write order) that has no JSON form, or undefined. */
function locate(value: unknown, path: string): OctantError | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : new OctantError('E_CANONICAL_JSON', `${path}: ${value} has no JSON form`);
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const found = locate(value[i], `${path}[${i}]`);
          if (found !== undefined) return found;
        }
        return undefined;
      }
      for (const key of Object.keys(value).sort()) {
        const member = (value as Record<string, unknown>)[key];
        const found = member === undefined ? undefined : locate(member, `${path}.${key}`);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    default:
      return new OctantError('E_CANONICAL_JSON', `${path}: a ${typeof value} has no JSON form`);
  }
}
