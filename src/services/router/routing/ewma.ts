// Exponentially weighted moving averages of each deployment's observed
// latency and success, the "historical performance" the policy weighs.

export interface Observed {
  /** Milliseconds; undefined until the first success. */
  latencyMs: number | undefined;
  /** 0..1; starts at 1 (innocent until proven failing). */
  success: number;
  samples: number;
}

export class Ewma {
  private readonly stats = new Map<string, Observed>();
  private readonly alpha: number;

  constructor(alpha = 0.2) {
    this.alpha = alpha;
  }

  get(id: string): Observed {
    return this.stats.get(id) ?? { latencyMs: undefined, success: 1, samples: 0 };
  }

  record(id: string, ok: boolean, latencyMs: number | undefined): void {
    const s = this.get(id);
    const a = this.alpha;
    const latency = ok && latencyMs !== undefined ? (s.latencyMs === undefined ? latencyMs : a * latencyMs + (1 - a) * s.latencyMs) : s.latencyMs;
    this.stats.set(id, { latencyMs: latency, success: a * (ok ? 1 : 0) + (1 - a) * s.success, samples: s.samples + 1 });
  }

  snapshot(): Record<string, Observed> {
    return Object.fromEntries(this.stats);
  }

  restore(data: Record<string, Observed>): void {
    for (const [id, o] of Object.entries(data)) this.stats.set(id, o);
  }
}
