// Errors tools raise; the gateway turns them into structured replies the
// model can read and recover from.

import { EXIT, OctantError } from '../../lib/errors.ts';

export function argsError(tool: string, field: string, expected: string): OctantError {
  return new OctantError('E_TOOL_ARGS', `${tool}: argument '${field}' ${expected}`, { exit: EXIT.usage });
}

export function deniedError(tool: string, message: string, hint?: string): OctantError {
  return new OctantError('E_TOOL_DENIED', `${tool}: ${message}`, { exit: EXIT.denied, hint });
}

export function readArgs(tool: string, raw: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw argsError(tool, '(arguments)', 'must be a JSON object');
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) throw argsError(tool, key, `is not an argument of ${tool} (expected: ${allowed.join(', ')})`);
  return raw as Record<string, unknown>;
}

export function stringArg(tool: string, args: Record<string, unknown>, field: string, options: { optional?: boolean; max?: number } = {}): string | undefined {
  const value = args[field];
  if (value === undefined && options.optional) return undefined;
  if (typeof value !== 'string') throw argsError(tool, field, 'must be a string');
  if (value.length > (options.max ?? 4096)) throw argsError(tool, field, `is longer than ${options.max ?? 4096} characters`);
  return value;
}
