// The configuration file's schemas: the shared schema language of
// lib/schema.ts, with refusals that name the file and the key path
// (`octant.yaml: services.ledger.fsync: expected true or false`).

import { OctantError } from '../lib/errors.ts';
import { defaultOf, validate, type ObjectSchema, type Schema } from '../lib/schema.ts';

export type ConfigSchema = Schema;
export type { ObjectSchema };
export { defaultOf };

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

/** Validate `value` against `schema`, filling defaults. `path` is the key path
 *  used in error messages (e.g. `services.ledger.fsync`), `file` the config file. */
export function validateConfig<S extends ObjectSchema>(schema: S, value: unknown, path: string, file: string): ConfigOf<S>;
export function validateConfig(schema: ConfigSchema, value: unknown, path: string, file: string): unknown;
export function validateConfig(schema: ConfigSchema, value: unknown, path: string, file: string): unknown {
  return validate(schema, value, path, (at, message) => {
    throw new OctantError('E_CONFIG', `${file}: ${at === '' ? '(top level)' : at}: ${message}`, {
      hint: 'see docs/foundation.md "Configuration file"',
      detail: { file, key: at },
    });
  });
}
