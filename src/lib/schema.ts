// A tiny schema language, shared by the configuration file (runtime/config.ts)
// and HTTP request bodies (lib/http): enough to say "this key is an integer
// between 1 and 60000, default 5000" and to refuse everything else.
// Default-deny: an object accepts only the keys its schema lists, so a
// misspelt key is an error instead of a silently ignored setting.
// Who calls it decides how a refusal reads (a config file names the file, a
// request body is a 400): `validate` takes the function that throws.

/** What every key may say about itself: `doc` is one line for the generated
 *  configuration reference (docs/config.md, scripts/gen-docs.ts). */
interface Documented {
  doc?: string;
}

export type Schema = Documented & (
  | { type: 'string'; enum?: readonly string[]; default?: string; minLength?: number; maxLength?: number; pattern?: RegExp }
  | { type: 'integer' | 'number'; min?: number; max?: number; default?: number }
  | { type: 'boolean'; default?: boolean }
  | { type: 'array'; items: Schema; default?: readonly unknown[]; minItems?: number; maxItems?: number }
  | { type: 'object'; properties: Readonly<Record<string, Schema>>; required?: readonly string[] }
  /** An object whose keys are free (names chosen by the operator) and whose values share one schema. */
  | { type: 'map'; values: Schema }
  /** Any JSON value, checked by whoever reads it (free-form detail, a tool's arguments). */
  | { type: 'any' });

export type ObjectSchema = Extract<Schema, { type: 'object' }>;

/** Throws the caller's error for the value at `path` (e.g. `messages[0].role`; '' is the top level). */
export type Refuse = (path: string, message: string) => never;

// ---- The TypeScript type a schema accepts (for typed routes and clients) ----

type RequiredKeys<S> = S extends { required: readonly (infer K)[] } ? K : never;
type Props<S> = S extends { properties: infer P } ? P : never;
type InferObject<S> = {
  -readonly [K in keyof Props<S> as K extends RequiredKeys<S> ? K : never]: Infer<Props<S>[K]>;
} & {
  -readonly [K in keyof Props<S> as K extends RequiredKeys<S> ? never : K]?: Infer<Props<S>[K]>;
};

/** The value type a schema accepts: Infer<typeof schema> (declare schemas `as const`). */
export type Infer<S> =
  S extends { type: 'string'; enum: readonly (infer E)[] } ? E
  : S extends { type: 'string' } ? string
  : S extends { type: 'integer' | 'number' } ? number
  : S extends { type: 'boolean' } ? boolean
  : S extends { type: 'array'; items: infer I } ? Infer<I>[]
  : S extends { type: 'map'; values: infer V } ? Record<string, Infer<V>>
  : S extends { type: 'object' } ? { [K in keyof InferObject<S>]: InferObject<S>[K] }
  : unknown;

// ---- Validation ----

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

function validateString(schema: Extract<Schema, { type: 'string' }>, value: unknown, path: string, refuse: Refuse): string {
  if (typeof value !== 'string') refuse(path, `expected a string, got ${typeName(value)}`);
  if (schema.enum !== undefined && !schema.enum.includes(value)) refuse(path, `expected one of ${schema.enum.join(', ')}, got ${JSON.stringify(value)}`);
  if (schema.minLength !== undefined && value.length < schema.minLength) refuse(path, schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined && value.length > schema.maxLength) refuse(path, `must be at most ${schema.maxLength} characters, got ${value.length}`);
  if (schema.pattern !== undefined && !schema.pattern.test(value)) refuse(path, `must match ${schema.pattern.source}`);
  return value;
}

/** Validate `value` against `schema`, filling defaults; `path` names the value in refusals. */
export function validate(schema: Schema, value: unknown, path: string, refuse: Refuse): unknown {
  switch (schema.type) {
    case 'any':
      return value;
    case 'string':
      return validateString(schema, value, path, refuse);
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) refuse(path, `expected ${schema.type === 'integer' ? 'an integer' : 'a number'}, got ${typeName(value)}`);
      if (schema.type === 'integer' && !Number.isInteger(value)) refuse(path, `expected an integer, got ${value}`);
      if (schema.min !== undefined && value < schema.min) refuse(path, `must be at least ${schema.min}, got ${value}`);
      if (schema.max !== undefined && value > schema.max) refuse(path, `must be at most ${schema.max}, got ${value}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') refuse(path, `expected true or false, got ${typeName(value)}`);
      return value;
    case 'array':
      if (!Array.isArray(value)) refuse(path, `expected a list, got ${typeName(value)}`);
      if (schema.minItems !== undefined && value.length < schema.minItems) refuse(path, schema.minItems === 1 ? 'must not be empty' : `at least ${schema.minItems} entries, got ${value.length}`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) refuse(path, `at most ${schema.maxItems} entries, got ${value.length}`);
      return value.map((item, i) => validate(schema.items, item, join(path, i), refuse));
    case 'map': {
      if (!isPlainObject(value)) refuse(path, `expected a mapping, got ${typeName(value)}`);
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = validate(schema.values, item, join(path, key), refuse);
      return out;
    }
    case 'object': {
      if (!isPlainObject(value)) refuse(path, `expected a mapping, got ${typeName(value)}`);
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(schema.properties, key)) {
          const known = Object.keys(schema.properties);
          refuse(join(path, key), `unknown key${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (this section takes no keys)'}`);
        }
      }
      for (const key of schema.required ?? []) {
        if (!Object.hasOwn(value, key)) refuse(join(path, key), 'required key is missing');
      }
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties)) {
        if (Object.hasOwn(value, key)) out[key] = validate(sub, value[key], join(path, key), refuse);
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
export function defaultOf(schema: Schema): unknown {
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
  if (schema.type === 'any') return undefined;
  return schema.default;
}
