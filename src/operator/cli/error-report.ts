// How a failed command line is reported: ONE format for every command.
//   error[E_CODE]: message        (stderr)
//   hint: what to do about it     (when there is one)
// With --json on the command line, one JSON object on stderr instead:
//   {"error":{"code":"E_CODE","message":"...","hint":"..." | null,"exit":N}}
// The process exits with the error's exit code (lib/errors.ts EXIT).
// Anything thrown that is not an OctantError is given a code here, so no
// failure is ever printed as a bare Node message.

import { EXIT, OctantError, isOctantError, messageOf } from '../../lib/errors.ts';
import { safeLines } from '../../lib/safe-text.ts';

/** A file-system error (it names its path): what went wrong, for whom. */
function fileError(error: NodeJS.ErrnoException & { path: string }): OctantError {
  const exit = error.code === 'ENOENT' || error.code === 'ENOTDIR' ? EXIT.unavailable
    : error.code === 'EACCES' || error.code === 'EPERM' ? EXIT.denied : EXIT.failure;
  return new OctantError('E_IO', `${error.path}: ${error.message}`, { exit, cause: error });
}

/** Any thrown value as an OctantError (those already are, unchanged). */
export function asOctantError(error: unknown): OctantError {
  if (isOctantError(error)) return error;
  const errno = error as NodeJS.ErrnoException;
  if (error instanceof Error && typeof errno.code === 'string' && typeof errno.path === 'string') return fileError(errno as NodeJS.ErrnoException & { path: string });
  return new OctantError('E_INTERNAL', messageOf(error), {
    exit: EXIT.failure,
    cause: error,
    hint: 'an unexpected failure: OCTANT_DEBUG=1 prints its stack; please report it',
  });
}

/** `--json` among the arguments before a `--`: errors are reported as JSON too. */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

export function formatError(error: OctantError, json: boolean): string {
  if (json) return `${JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint ?? null, exit: error.exit, ...(error.detail ? { detail: error.detail } : {}) } })}\n`;
  // Messages quote names, paths and replies that may be an agent's text: control characters escaped.
  return `error[${error.code}]: ${safeLines(error.message).text}\n${error.hint ? `hint: ${safeLines(error.hint).text}\n` : ''}`;
}
