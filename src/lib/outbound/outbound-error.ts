// The one error the outbound client raises. It knows nothing of who called
// (a router provider, a search engine, a comms transport): `label` names the
// peer in messages, and `kind` says what went wrong in terms a caller can
// map to its own errors (the router maps them to ProviderError kinds of the
// same names) or act on (`retryable`).

import { OctantError } from '../errors.ts';

export type OutboundErrorKind =
  /** The request itself is unusable (URL, header): sending it again cannot help. */
  | 'bad_request'
  /** No response head in time, a body that stalled, or the caller's signal aborted. */
  | 'timeout'
  /** The connection failed or closed early, or the client was closed. */
  | 'network'
  /** The response is not HTTP/1.1 as RFC 9112 frames it, or its body is too large or malformed. */
  | 'protocol';

export class OutboundError extends OctantError {
  readonly kind: OutboundErrorKind;
  readonly retryable: boolean;
  /** Who was called, as the caller named it. */
  readonly label: string;
  /** The message without the label. */
  readonly reason: string;
  readonly status: number | undefined;

  constructor(kind: OutboundErrorKind, reason: string, label: string, options: { cause?: unknown; status?: number } = {}) {
    super(`E_OUTBOUND_${kind.toUpperCase()}`, `${label}: ${reason}`, { cause: options.cause, detail: { kind, label, status: options.status } });
    this.kind = kind;
    this.retryable = kind !== 'bad_request';
    this.label = label;
    this.reason = reason;
    this.status = options.status;
  }
}

export function isOutboundError(value: unknown): value is OutboundError {
  return value instanceof OutboundError;
}

/** Any failure (an OutboundError, an abort, a socket error) as an OutboundError. */
export function asOutboundError(error: unknown, label: string): OutboundError {
  if (error instanceof OutboundError) return error;
  const e = error instanceof Error ? (error as NodeJS.ErrnoException) : undefined;
  if (e?.name === 'AbortError') return new OutboundError('timeout', 'request aborted', label, { cause: error });
  return new OutboundError('network', `${e?.code ?? 'connection failed'}: ${e?.message ?? String(error)}`, label, { cause: error });
}
