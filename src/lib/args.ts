// Command-line parsing for every command: node:util parseArgs in strict mode,
// with its errors turned into usage errors (exit 2) in our own words, naming
// the argument and, for a mistyped option, the nearest known ones.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest } from './closest.ts';
import { usageError, type OctantError } from './errors.ts';
import { safeField } from './safe-text.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  /** Everything after a literal `--`, untouched. */
  rest: string[];
}

export function parseCommandArgs(command: string, argv: readonly string[], options: Options, allowPositionals = true): Parsed {
  const dashdash = argv.indexOf('--');
  const head = dashdash === -1 ? [...argv] : argv.slice(0, dashdash);
  const rest = dashdash === -1 ? [] : argv.slice(dashdash + 1);
  try {
    const { values, positionals } = parseArgs({ args: head, options, allowPositionals, strict: true });
    return { values: values as Parsed['values'], positionals, rest };
  } catch (error) {
    throw parseError(command, options, error as Error & { code?: string });
  }
}

/** parseArgs' message (with its quoting and advice about '--') said our way. */
function parseError(command: string, options: Options, error: Error & { code?: string }): OctantError {
  const help = `see 'octant ${command} --help'`;
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const names = Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
      const near = closest(quoted, names);
      return usageError(`${command}: unknown option '${quoted}'`, near.length > 0 ? `did you mean ${near.join(' or ')}? ${help}` : help);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = quoted.replace(/ <value>$/, '');
      return usageError(/does not take/.test(error.message) ? `${command}: option '${option}' takes no value` : `${command}: option '${option}' needs a value`, help);
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return usageError(`${command}: unexpected argument '${quoted}' (this command takes no positional arguments)`, help);
    default:
      return usageError(`${command}: ${error.message}`, help);
  }
}

export function stringFlag(parsed: Parsed, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a repeatable string option (`--host a --host b`). */
export function stringsFlag(parsed: Parsed, name: string): string[] {
  const v = parsed.values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** A flag's value as a finite number, or a usage error naming the flag; undefined when absent. */
export function numberFlag(parsed: Parsed, name: string, command: string): number | undefined {
  const v = stringFlag(parsed, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw usageError(`${command}: --${name} expects a number, got '${v}'`);
  return n;
}

/** A flag's value as an integer in min..max, or a usage error naming the flag and the range; undefined when absent. */
export function integerFlag(parsed: Parsed, name: string, command: string, min: number, max: number): number | undefined {
  const n = numberFlag(parsed, name, command);
  if (n !== undefined && (!Number.isInteger(n) || n < min || n > max)) throw usageError(`${command}: --${name} expects an integer from ${min} to ${max}`);
  return n;
}

/** A flag's value if it is one of `allowed`, else a usage error naming the flag and the choices; undefined when absent. */
export function choiceFlag<T extends string>(parsed: Parsed, name: string, command: string, allowed: readonly T[]): T | undefined {
  const value = stringFlag(parsed, name);
  if (value === undefined) return undefined;
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw usageError(`${command}: --${name} must be one of ${allowed.join(', ')}, not '${safeField(value.slice(0, 40))}'`);
  return found;
}

export function boolFlag(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}

/** Positional number `index`, or a usage error naming what was expected. */
export function requirePositional(parsed: Parsed, index: number, what: string, command: string): string {
  const value = parsed.positionals[index];
  if (value === undefined) throw usageError(`${command}: missing ${what}`, `see 'octant ${command} --help'`);
  return value;
}
