// One error class for the whole project (see ARCHITECTURE.md "Errors").
// `code` is stable and machine-readable; `message` names the offending
// field, path or argument; `exit` is what the CLI returns for it.

// The exit codes of every command: ONE table, printed by `octant help
// exit-codes` and copied into docs/cli.md (a test keeps the two equal).
// Utilities mimicking GNU tools keep GNU's codes (0, 1, 2).
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  unavailable: 3,
  denied: 4,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, one line each (every code of EXIT, checked by the compiler). */
export const EXIT_MEANING: Readonly<Record<ExitCode, string>> = {
  0: 'success',
  1: 'the operation failed (a check failed, an agent failed, a file is invalid)',
  2: 'bad command line: unknown command, subcommand or option, missing or malformed argument',
  3: 'a required dependency is missing: no running system, a kernel feature, a file, a service',
  4: 'refused by policy: signature, trust, capability, deny list, file mode',
  130: "stopped by the operator's Ctrl-C (128 + SIGINT, as shells report it)",
};

export interface OctantErrorOptions {
  hint?: string;
  exit?: ExitCode;
  cause?: unknown;
  /** Structured facts for logs and JSON output; never secret values. */
  detail?: Record<string, unknown>;
}

export class OctantError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exit: ExitCode;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: OctantErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OctantError';
    this.code = code;
    this.hint = options.hint;
    this.exit = options.exit ?? EXIT.failure;
    this.detail = options.detail;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, detail: this.detail };
  }
}

/** A usage error: bad argument or flag on the command line (exit 2). */
export function usageError(message: string, hint?: string): OctantError {
  return new OctantError('E_USAGE', message, { exit: EXIT.usage, hint });
}

export function isOctantError(value: unknown, code?: string): value is OctantError {
  return value instanceof OctantError && (code === undefined || value.code === code);
}

/** Message of any thrown value, for wrapping foreign errors. */
export function messageOf(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
