// Per-agent limits at the gateway, so one agent cannot exhaust what the
// daemon shares with every other agent and with the services: descriptors
// (open connections), concurrency (requests in flight), memory (bytes per
// request) and throughput (bytes per second). A limit hit fails only that
// agent's request or connection, and is recorded in the ledger (at most one
// entry per kind per interval, counting what it stands for, so the record
// itself cannot be turned into a flood).

import { readFileSync } from 'node:fs';

export interface GatewayLimits {
  /** Open connections to the agent's gateway socket at once. */
  maxConnections: number;
  /** Requests being served at once (model calls, tool calls). */
  maxInFlight: number;
  /** Bytes in one request body. */
  maxBodyBytes: number;
  /** Request bytes accepted per second, over a one-second window. */
  bytesPerSecond: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  maxConnections: 32,
  maxInFlight: 16,
  // As large as the router's own limit, so a model request is judged by the router in its API's shape.
  maxBodyBytes: 16 * 1024 * 1024,
  bytesPerSecond: 64 * 1024 * 1024,
};

export type LimitKind = 'connections' | 'in-flight' | 'body-bytes' | 'bytes-per-second' | 'daemon-descriptors';

/** Descriptors the services keep for themselves (ledger segments, sockets, vault, logs). */
export const SERVICE_DESCRIPTOR_RESERVE = 1024;

/** The soft RLIMIT_NOFILE of this process (Node raises it to the hard limit at start). */
export function openFileLimit(limitsFile = '/proc/self/limits'): number {
  try {
    const line = readFileSync(limitsFile, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const value = soft === undefined || soft === 'unlimited' ? NaN : Number(soft);
    return Number.isFinite(value) ? value : 1 << 20;
  } catch {
    return 1024;
  }
}

/**
 * The descriptors all agents' gateway connections may hold together: what the
 * process may open minus the services' reserve. Shared by every gateway, so
 * many agents at their per-agent cap still leave the services theirs.
 */
export class DescriptorBudget {
  private used = 0;
  readonly total: number;
  constructor(total = Math.max(0, openFileLimit() - SERVICE_DESCRIPTOR_RESERVE)) {
    this.total = total;
  }
  take(): boolean {
    if (this.used >= this.total) return false;
    this.used += 1;
    return true;
  }
  release(): void {
    this.used = Math.max(0, this.used - 1);
  }
  get inUse(): number {
    return this.used;
  }
}

/** Bytes per one-second window. */
export class ByteRate {
  private windowStart = 0;
  private used = 0;
  private readonly perSecond: number;
  private readonly now: () => number;
  constructor(perSecond: number, now: () => number = Date.now) {
    this.perSecond = perSecond;
    this.now = now;
  }
  /** Counts `bytes`; false when the window's budget was already spent before them. */
  take(bytes: number): boolean {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.used = 0;
    }
    if (this.used >= this.perSecond) return false;
    this.used += bytes;
    return true;
  }
  /** Milliseconds until the window resets. */
  retryAfterMs(): number {
    return Math.max(0, 1000 - (this.now() - this.windowStart));
  }
}

/**
 * Records limit hits at most once per kind per `intervalMs`, each entry
 * saying how many hits it stands for since the previous one.
 */
export function limitRecorder(record: (kind: LimitKind, detail: Record<string, unknown>) => Promise<unknown>, intervalMs = 5000, now: () => number = Date.now): (kind: LimitKind, detail: Record<string, unknown>) => void {
  const last = new Map<LimitKind, { at: number; suppressed: number }>();
  return (kind, detail) => {
    const t = now();
    const seen = last.get(kind);
    if (seen !== undefined && t - seen.at < intervalMs) {
      seen.suppressed += 1;
      return;
    }
    last.set(kind, { at: t, suppressed: 0 });
    // A failed record must not fail the refusal it reports (the refusal stands).
    record(kind, { ...detail, hitsSincePrevious: (seen?.suppressed ?? 0) + 1 }).catch(() => {});
  };
}
