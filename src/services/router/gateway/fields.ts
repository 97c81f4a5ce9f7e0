// Checks for the fields of a request body, shared by the gateway's API
// validators (openai-request.ts, responses-request.ts, anthropic-request.ts).
// Each check throws a 400 naming the field by its path
// ("messages[2].content[0].text") as both the message and the `param` of
// the API's error body; nothing the client sent reaches the router, the
// ledger or a provider before every field it names was checked.

import { EXIT, OctantError } from '../../../lib/errors.ts';

export type Obj = Record<string, unknown>;

export function fieldError(param: string, message: string): OctantError {
  return new OctantError('E_GATEWAY_REQUEST', `${param}: ${message}`, { exit: EXIT.usage, detail: { status: 400, param } });
}

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

function expect(ok: boolean, v: unknown, param: string, expected: string): void {
  if (!ok) throw fieldError(param, `expects ${expected}, got ${typeName(v)}${typeof v === 'number' || typeof v === 'boolean' ? ` (${String(v)})` : ''}`);
}

export function obj(v: unknown, param: string): Obj {
  expect(typeof v === 'object' && v !== null && !Array.isArray(v), v, param, 'an object');
  return v as Obj;
}

export function arr(v: unknown, param: string, min = 0, max = Infinity): unknown[] {
  expect(Array.isArray(v), v, param, 'an array');
  const a = v as unknown[];
  if (a.length < min) throw fieldError(param, min === 1 ? 'expects a non-empty array' : `expects at least ${min} items`);
  if (a.length > max) throw fieldError(param, `expects at most ${max} items, got ${a.length}`);
  return a;
}

/** A string of well-formed UTF-16 (a lone surrogate has no UTF-8 form). */
export function str(v: unknown, param: string, options: { nonEmpty?: boolean; max?: number; pattern?: RegExp } = {}): string {
  expect(typeof v === 'string', v, param, 'a string');
  const s = v as string;
  if (!s.isWellFormed()) throw fieldError(param, 'contains a lone surrogate (not valid Unicode)');
  if (options.nonEmpty === true && s === '') throw fieldError(param, 'expects a non-empty string');
  if (options.max !== undefined && s.length > options.max) throw fieldError(param, `expects at most ${options.max} characters, got ${s.length}`);
  if (options.pattern !== undefined && !options.pattern.test(s)) throw fieldError(param, `expects a string matching ${options.pattern.source}`);
  return s;
}

export function bool(v: unknown, param: string): boolean {
  expect(typeof v === 'boolean', v, param, 'true or false');
  return v as boolean;
}

/** A finite number in [min, max]. */
export function num(v: unknown, param: string, min: number, max: number): number {
  expect(typeof v === 'number' && Number.isFinite(v), v, param, `a number from ${min} to ${max}`);
  if ((v as number) < min || (v as number) > max) throw fieldError(param, `expects a number from ${min} to ${max}, got ${String(v)}`);
  return v as number;
}

/** A whole number in [min, max] (token counts: never fractional, negative or beyond 2^53). */
export function int(v: unknown, param: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const ok = typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
  expect(ok, v, param, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`);
  return v as number;
}

export function oneOf<T extends string>(v: unknown, param: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) throw fieldError(param, `expects one of ${values.map((x) => `'${x}'`).join(', ')}${typeof v === 'string' ? `, got '${v.slice(0, 64)}'` : `, got ${typeName(v)}`}`);
  return v as T;
}

/** A string, or an array of strings (stop sequences and the like). */
export function strings(v: unknown, param: string, max = Infinity): string[] {
  if (typeof v === 'string') return [str(v, param)];
  return arr(v, param, 0, max).map((s, i) => str(s, `${param}[${i}]`));
}

export type Check = (v: unknown, param: string) => unknown;

/**
 * Each member checked by its check; a member with no check is refused in
 * the API's own words. With `nullable` (OpenAI: optional members may be
 * null) a null member is dropped, so the converters see it as absent.
 */
export function members(o: Obj, param: string, checks: Record<string, Check>, unknown: (name: string) => string, nullable = false): void {
  for (const key of Object.keys(o)) {
    const path = param === '' ? key : `${param}.${key}`;
    const check = checks[key];
    if (check === undefined) throw fieldError(path, unknown(key));
    if (o[key] === null && nullable) delete o[key];
    else check(o[key], path);
  }
}

/** A member the API defines that this gateway cannot honour: refused rather than silently dropped. */
export const unsupported = (what = 'is not supported by this gateway') => (_v: unknown, param: string): never => {
  throw fieldError(param, what);
};

/** A function (tool) name as OpenAI accepts it. */
export const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Members that must be present, each with the message its absence gets. */
export function required(o: Obj, messages: Record<string, string>): void {
  for (const [name, message] of Object.entries(messages)) if (o[name] === undefined) throw fieldError(name, message);
}

/** A tool_choice that names a tool must name one of the request's tools. */
export function chosenTool(chosen: unknown, names: readonly string[], param: string): void {
  if (typeof chosen === 'string' && !names.includes(chosen)) throw fieldError(param, `names no tool in 'tools' ('${chosen}')`);
}

export const anyString: Check = (v, param) => str(v, param);

/** The model name: recorded in the ledger, so bounded. */
export const model = (v: unknown, param: string): string => str(v, param, { max: 256 });

/** A JSON Schema object (tool parameters): an object, not inspected further. */
export const schema = (v: unknown, param: string): Obj => obj(v, param);

export const stringMap = (v: unknown, param: string): void => {
  const o = obj(v, param);
  for (const [k, s] of Object.entries(o)) str(s, `${param}.${k}`);
};
