// The failover loop: try deployments in the policy's order. Transient
// failures (timeout, network, 5xx, broken stream) are retried on the same
// deployment with exponential backoff; 429 and 503 always move on to the
// next deployment (and cool the failed one for its Retry-After); a bad key
// or a too-small context window moves on; a bad request stops (no other
// deployment will like it better). When every deployment was rate limited
// with a short Retry-After, the loop waits that long and makes one more pass.

import { EXIT, OctantError } from '../../../lib/errors.ts';
import { isProviderError, type ProviderError } from '../provider-error.ts';
import type { Deployment } from '../types.ts';

export interface RetryOptions {
  /** Extra attempts on the same deployment for transient errors. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After the loop will sit out before a second pass. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 1, baseDelayMs: 100, maxDelayMs: 2_000, maxWaitMs: 5_000 };

export interface AttemptRecord {
  deployment: string;
  ok: boolean;
  kind?: string;
  status?: number;
  ms: number;
}

export interface FailoverHooks {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Called after each failed attempt (cooldown, EWMA, rate limits). */
  failed(dep: Deployment, error: ProviderError, ms: number): void;
  succeeded(dep: Deployment, ms: number): void;
}

export interface FailoverResult<T> {
  value: T;
  deployment: Deployment;
  attempts: AttemptRecord[];
}

type Next = 'retry' | 'next' | 'stop';

function nextStep(error: ProviderError): Next {
  switch (error.kind) {
    case 'rate_limited':
    case 'overloaded':
    case 'auth':
    case 'context_length':
      return 'next';
    case 'bad_request':
      return 'stop';
    default:
      return 'retry';
  }
}

export async function withFailover<T>(order: readonly Deployment[], attempt: (dep: Deployment) => Promise<T>, hooks: FailoverHooks, options: RetryOptions = DEFAULT_RETRY): Promise<FailoverResult<T>> {
  const attempts: AttemptRecord[] = [];
  for (let pass = 0; pass < 2; pass++) {
    let shortestWait = Infinity;
    for (const dep of order) {
      for (let retry = 0; ; retry++) {
        const start = hooks.now();
        try {
          const value = await attempt(dep);
          const ms = hooks.now() - start;
          attempts.push({ deployment: dep.id, ms, ok: true }); // members in UTF-16 order, as ledger details are
          hooks.succeeded(dep, ms);
          return { value, deployment: dep, attempts };
        } catch (error) {
          if (!isProviderError(error)) throw error;
          const ms = hooks.now() - start;
          attempts.push({ deployment: dep.id, kind: error.kind, ms, ok: false, status: error.status });
          hooks.failed(dep, error, ms);
          const step = nextStep(error);
          if (step === 'stop') throw error;
          if (error.kind === 'rate_limited' || error.kind === 'overloaded') shortestWait = Math.min(shortestWait, error.retryAfterMs ?? Infinity);
          if (step === 'retry' && retry < options.maxRetries) {
            await hooks.sleep(Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry * (0.5 + Math.random() / 2)));
            continue;
          }
          break;
        }
      }
    }
    // Only a pass where some deployment asked us to come back soon earns a second one.
    if (pass === 0 && shortestWait <= options.maxWaitMs) await hooks.sleep(shortestWait);
    else break;
  }
  throw exhausted(attempts);
}

export function exhausted(attempts: readonly AttemptRecord[]): OctantError {
  const summary = attempts.map((a) => `${a.deployment}: ${a.kind}${a.status ? ` (${a.status})` : ''}`).join('; ');
  return new OctantError('E_ROUTER_EXHAUSTED', `every deployment failed: ${summary || 'none eligible'}`, {
    exit: EXIT.unavailable,
    hint: "see 'octant router list' for cooldowns and 'octant router test <id>' to probe a deployment",
    detail: { attempts },
  });
}
