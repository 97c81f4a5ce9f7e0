// Rate-limit awareness: what the provider's headers last said (remaining
// requests/tokens until a reset) and our own per-minute counters against a
// deployment's configured rpm/tpm. A deployment out of allowance is skipped
// instead of being sent a request that will come back 429.

import type { Deployment, RateLimitInfo } from '../types.ts';

const MINUTE = 60_000;

interface Window {
  /** [time, tokens] per request in the last minute. */
  events: [number, number][];
  remote?: { remainingRequests?: number; remainingTokens?: number; until: number };
}

export class RateLimits {
  private readonly windows = new Map<string, Window>();

  private window(id: string, now: number): Window {
    let w = this.windows.get(id);
    if (w === undefined) this.windows.set(id, (w = { events: [] }));
    while (w.events.length > 0 && now - w.events[0][0] >= MINUTE) w.events.shift();
    if (w.remote !== undefined && w.remote.until <= now) w.remote = undefined;
    return w;
  }

  /** Count a request as sent (tokens: the estimate; corrected by settle). */
  record(id: string, tokens: number, now: number): void {
    this.window(id, now).events.push([now, tokens]);
  }

  /** What the response headers said. */
  observe(id: string, info: RateLimitInfo, now: number): void {
    if (info.remainingRequests === undefined && info.remainingTokens === undefined) return;
    this.window(id, now).remote = { remainingRequests: info.remainingRequests, remainingTokens: info.remainingTokens, until: now + (info.resetMs ?? MINUTE) };
  }

  /** Why this deployment cannot take `tokens` more now, or undefined if it can. */
  blocked(dep: Deployment, tokens: number, now: number): string | undefined {
    const w = this.window(dep.id, now);
    if (dep.rpm !== undefined && w.events.length >= dep.rpm) return `local rpm ${dep.rpm} reached`;
    if (dep.tpm !== undefined) {
      const used = w.events.reduce((a, [, t]) => a + t, 0);
      if (used + tokens > dep.tpm) return `local tpm ${dep.tpm} would be exceeded (${used} used)`;
    }
    if (w.remote?.remainingRequests === 0) return 'provider reports 0 requests remaining';
    if (w.remote?.remainingTokens !== undefined && w.remote.remainingTokens < tokens) return `provider reports ${w.remote.remainingTokens} tokens remaining`;
    return undefined;
  }
}
