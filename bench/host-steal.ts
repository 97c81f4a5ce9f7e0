// How much of the vCPUs' time the hypervisor gave to other guests while a
// bench ran (the 'steal' column of /proc/stat): on this shared VM a run's
// wall times scale with it, so every bench that reports wall time says it.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Jiffies stolen so far, summed over vCPUs, or NaN off Linux. */
function stealTicks(): number {
  try {
    return Number(readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/)[8]);
  } catch {
    return NaN;
  }
}

/** Starts a measurement; `share()` is the fraction of the machine's CPU time the host took since. */
export function stealMeter(): { share(): number } {
  const ticks = stealTicks();
  const since = performance.now();
  // 100 jiffies per second per vCPU (USER_HZ).
  return { share: () => (stealTicks() - ticks) / ((performance.now() - since) / 10) / availableParallelism() };
}
