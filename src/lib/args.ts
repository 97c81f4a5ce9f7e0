// Command-line parsing for every command: node:util parseArgs in strict mode,
// with its errors turned into usage errors (exit 2) that name the argument.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './errors.ts';

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
    throw usageError(`${command}: ${(error as Error).message}`, `see 'octant help ${command.split(' ')[0]}'`);
  }
}

export function stringFlag(parsed: Parsed, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A flag's value as a finite number, or a usage error naming the flag; undefined when absent. */
export function numberFlag(parsed: Parsed, name: string, command: string): number | undefined {
  const v = stringFlag(parsed, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw usageError(`${command}: --${name} expects a number, got '${v}'`);
  return n;
}

export function boolFlag(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}

/** Positional number `index`, or a usage error naming what was expected. */
export function requirePositional(parsed: Parsed, index: number, what: string, command: string): string {
  const value = parsed.positionals[index];
  if (value === undefined) throw usageError(`${command}: missing ${what}`);
  return value;
}
