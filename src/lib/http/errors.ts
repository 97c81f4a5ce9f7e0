// The one mapping from an error to an HTTP status and body, for every
// surface. In order: codes the surface itself knows (its ErrorShape's
// statuses; e.g. 402 for a spent budget), the core's own refusals (not
// found, body too large or late), a status the error names in
// `detail.status`, then the CLI exit code the error carries: usage 400,
// denied 403, unavailable 503; anything else (and anything that is not an
// OctantError) 500. A client rebuilds the same OctantError from the body
// (client.ts), so a command run through HTTP exits as it would in-process.

import { EXIT, OctantError, isOctantError, messageOf } from '../errors.ts';
import type { ErrorShape } from './route.ts';

/** The core's own refusals, named `<prefix>_<suffix>` on each surface (E_ADMIN_NOT_FOUND...). */
export const CORE_STATUS = {
  NOT_FOUND: 404,
  BODY_TIMEOUT: 408,
  BODY_TOO_LARGE: 413,
} as const;

export type CoreRefusal = keyof typeof CORE_STATUS | 'BODY' | 'UNAVAILABLE' | 'INTERNAL';

/** One surface's naming: messages start with `label`, codes with `prefix`. */
export interface Surface {
  /** 'admin API', 'gateway': the start of the core's messages. */
  label: string;
  /** 'E_ADMIN': the core's refusals are E_ADMIN_NOT_FOUND, E_ADMIN_BODY... */
  prefix: string;
}

/** A refusal by the core itself, named for the surface. */
export function refusal(surface: Surface, kind: CoreRefusal, message: string, options: { hint?: string; detail?: Record<string, unknown> } = {}): OctantError {
  const exit = kind === 'UNAVAILABLE' ? EXIT.unavailable : kind === 'INTERNAL' || kind === 'NOT_FOUND' ? EXIT.failure : EXIT.usage;
  return new OctantError(`${surface.prefix}_${kind}`, `${surface.label}: ${message}`, { exit, ...options });
}

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599;
}

export function statusOf(error: unknown, surface: Surface, shape?: ErrorShape): number {
  if (!isOctantError(error)) return 500;
  const own = shape?.statuses?.[error.code];
  if (own !== undefined) return own;
  if (error.code.startsWith(`${surface.prefix}_`)) {
    const core = CORE_STATUS[error.code.slice(surface.prefix.length + 1) as keyof typeof CORE_STATUS];
    if (core !== undefined) return core;
  }
  if (isStatus(error.detail?.status)) return error.detail.status;
  if (error.exit === EXIT.usage) return 400;
  if (error.exit === EXIT.denied) return 403;
  if (error.exit === EXIT.unavailable) return 503;
  return 500;
}

/** The default body: {error: {code, message, hint, detail, exit}}; what client.ts reads back. */
export function octantErrorBody(error: unknown, surface: Surface): { error: Record<string, unknown> } {
  if (isOctantError(error)) return { error: { ...error.toJSON(), exit: error.exit } };
  return { error: { code: `${surface.prefix}_INTERNAL`, message: messageOf(error), exit: EXIT.failure } };
}

export interface ErrorResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Status, body and headers for an error on one surface. */
export function errorResponse(error: unknown, surface: Surface, shape?: ErrorShape): ErrorResponse {
  const status = statusOf(error, surface, shape);
  const headers: Record<string, string> = {};
  // RFC 9110 §10.2.3: a refusal that says when to come back (rate limits).
  const retry = isOctantError(error) ? error.detail?.retryAfterMs : undefined;
  if (typeof retry === 'number' && (status === 429 || status === 503)) headers['retry-after'] = String(Math.max(1, Math.ceil(retry / 1000)));
  return { status, body: shape === undefined ? octantErrorBody(error, surface) : shape.body(error, status), headers };
}
