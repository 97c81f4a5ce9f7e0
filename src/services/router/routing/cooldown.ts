// A deployment that fails N times within a window is taken out of rotation
// for a while; a 429/503 with Retry-After cools it for exactly that long.

export interface CooldownOptions {
  failures: number;
  windowMs: number;
  cooldownMs: number;
}

export const DEFAULT_COOLDOWN: CooldownOptions = { failures: 3, windowMs: 60_000, cooldownMs: 30_000 };

export class Cooldown {
  private readonly failures = new Map<string, number[]>();
  private readonly until = new Map<string, number>();
  private readonly options: CooldownOptions;

  constructor(options: CooldownOptions = DEFAULT_COOLDOWN) {
    this.options = options;
  }

  /** Record a failure; returns true when this failure started a cooldown. */
  fail(id: string, now: number, retryAfterMs?: number): boolean {
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      this.until.set(id, Math.max(this.until.get(id) ?? 0, now + retryAfterMs));
      return true;
    }
    const recent = (this.failures.get(id) ?? []).filter((t) => now - t < this.options.windowMs);
    recent.push(now);
    this.failures.set(id, recent);
    if (recent.length >= this.options.failures) {
      this.until.set(id, now + this.options.cooldownMs);
      this.failures.set(id, []);
      return true;
    }
    return false;
  }

  success(id: string): void {
    this.failures.delete(id);
  }

  /** Milliseconds of cooldown left, 0 when usable. */
  remaining(id: string, now: number): number {
    const t = this.until.get(id);
    if (t === undefined) return 0;
    if (t <= now) {
      this.until.delete(id);
      return 0;
    }
    return t - now;
  }
}
