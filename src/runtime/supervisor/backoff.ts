// Restart policy arithmetic, kept apart from the supervisor so it can be read
// (and tested) on its own.

import type { RestartPolicy } from './service.ts';

/** Delay before restart number `failures` (1-based): minDelayMs doubling per
 *  consecutive failure, capped at maxDelayMs. */
export function backoffDelay(policy: RestartPolicy, failures: number): number {
  const exponent = Math.max(0, failures - 1);
  // 2 ** 60 already exceeds any sane cap; clamp the exponent so the product stays finite.
  return Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.min(exponent, 60));
}

/** True when the policy allows no further restart after `failures` consecutive failures.
 *  maxRestarts is the number of restarts allowed: failure maxRestarts + 1 gives up. */
export function shouldGiveUp(policy: RestartPolicy, failures: number): boolean {
  return policy.mode === 'never' || failures > policy.maxRestarts;
}
