// A tiny schema language for the configuration file: enough to say "this key
// is an integer between 1 and 60000, default 5000" and to refuse everything
// else. Default-deny: an object accepts only the keys its schema lists, so a
// misspelt key is an error instead of a silently ignored setting.

import { OctantError } from '../lib/errors.ts';

/** What every key may say about itself: `doc` is one line for the generated
 *  configuration reference (docs/config.md, scripts/gen-docs.ts). */
interface Documented {
  doc?: string;
}

export type ConfigSchema = Documented & (
  | { type: 'string'; enum?: readonly string[]; default?: string }
  | { type: 'integer' | 'number'; min?: number; max?: number; default?: number }
  | { type: 'boolean'; default?: boolean }
  | { type: 'array'; items: ConfigSchema; default?: readonly unknown[] }
  | { type: 'object'; properties: Readonly<Record<string, ConfigSchema>>; required?: readonly string[] }
  /** An object whose keys are free (names chosen by the operator) and whose values share one schema. */
  | { type: 'map'; values: ConfigSchema });

export type ObjectSchema = Extract<ConfigSchema, { type: 'object' }>;

// The type of what validateConfig returns for a schema declared `as const`,
// so a service reads its settings typed and its defaults live only in the
// schema. A key is always present when the schema fills it in (it has a
// default, or it is a map, or an object without required keys: defaultOf)
// or its object lists it as required; otherwise it may be absent.
type Filled<S> = S extends { default: unknown } ? true
  : S extends { type: 'map' } ? true
  : S extends { type: 'object'; required: readonly [unknown, ...unknown[]] } ? false
  : S extends { type: 'object' } ? true : false;

type Flat<T> = { [K in keyof T]: T[K] };

type ObjectValue<P, Required> = string extends keyof P ? Record<string, unknown> : Flat<
  { -readonly [K in keyof P as Filled<P[K]> extends true ? K : K extends Required ? K : never]: ConfigValue<P[K]> }
  & { -readonly [K in keyof P as Filled<P[K]> extends true ? never : K extends Required ? never : K]?: ConfigValue<P[K]> }
>;

export type ConfigValue<S> =
  S extends { type: 'string'; enum: readonly (infer E)[] } ? E
  : S extends { type: 'string' } ? string
  : S extends { type: 'integer' | 'number' } ? number
  : S extends { type: 'boolean' } ? boolean
  : S extends { type: 'array'; items: infer I } ? ConfigValue<I>[]
  : S extends { type: 'map'; values: infer V } ? Record<string, ConfigValue<V>>
  : S extends { type: 'object'; properties: infer P } ? ObjectValue<P, S extends { required: readonly (infer R)[] } ? R : never>
  : unknown;

/** The validated settings an object schema yields (Record<string, unknown> for an unknown schema). */
export type ConfigOf<S extends ObjectSchema> = ConfigValue<S> & object;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(file: string, path: string, message: string): never {
  throw new OctantError('E_CONFIG', `${file}: ${path === '' ? '(top level)' : path}: ${message}`, {
    hint: 'see docs/foundation.md "Configuration file"',
    detail: { file, key: path },
  });
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

/** Validate `value` against `schema`, filling defaults. `path` is the key path
 *  used in error messages (e.g. `services.ledger.checkpointIntervalMs`), `file`
 *  the config file. For a schema declared `as const`, the result is typed
 *  (ConfigValue mirrors what each case below returns). */
export function validateConfig<S extends ObjectSchema>(schema: S, value: unknown, path: string, file: string): ConfigOf<S>;
export function validateConfig(schema: ConfigSchema, value: unknown, path: string, file: string): unknown;
export function validateConfig(schema: ConfigSchema, value: unknown, path: string, file: string): unknown {
  return check(schema, value, path, file);
}

function check(schema: ConfigSchema, value: unknown, path: string, file: string): unknown {
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') fail(file, path, `expected a string, got ${typeName(value)}`);
      if (schema.enum !== undefined && !schema.enum.includes(value)) fail(file, path, `expected one of ${schema.enum.join(', ')}, got ${JSON.stringify(value)}`);
      return value;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(file, path, `expected ${schema.type === 'integer' ? 'an integer' : 'a number'}, got ${typeName(value)}`);
      if (schema.type === 'integer' && !Number.isInteger(value)) fail(file, path, `expected an integer, got ${value}`);
      if (schema.min !== undefined && value < schema.min) fail(file, path, `must be at least ${schema.min}, got ${value}`);
      if (schema.max !== undefined && value > schema.max) fail(file, path, `must be at most ${schema.max}, got ${value}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') fail(file, path, `expected true or false, got ${typeName(value)}`);
      return value;
    case 'array':
      if (!Array.isArray(value)) fail(file, path, `expected a list, got ${typeName(value)}`);
      return value.map((item, i) => check(schema.items, item, join(path, i), file));
    case 'map': {
      if (!isPlainObject(value)) fail(file, path, `expected a mapping, got ${typeName(value)}`);
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = check(schema.values, item, join(path, key), file);
      return out;
    }
    case 'object': {
      if (!isPlainObject(value)) fail(file, path, `expected a mapping, got ${typeName(value)}`);
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(schema.properties, key)) {
          const known = Object.keys(schema.properties);
          fail(file, join(path, key), `unknown key${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (this section takes no keys)'}`);
        }
      }
      for (const key of schema.required ?? []) {
        if (!Object.hasOwn(value, key)) fail(file, join(path, key), 'required key is missing');
      }
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties)) {
        if (Object.hasOwn(value, key)) out[key] = check(sub, value[key], join(path, key), file);
        else {
          const fallback = defaultOf(sub);
          if (fallback !== undefined) out[key] = fallback;
        }
      }
      return out;
    }
  }
}

/** The value a schema yields when its key is absent (objects yield their defaults). */
export function defaultOf(schema: ConfigSchema): unknown {
  if (schema.type === 'object') {
    if ((schema.required ?? []).length > 0) return undefined;
    const out: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries(schema.properties)) {
      const value = defaultOf(sub);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  if (schema.type === 'map') return {};
  if (schema.type === 'array') return schema.default === undefined ? undefined : [...schema.default];
  return schema.default;
}
