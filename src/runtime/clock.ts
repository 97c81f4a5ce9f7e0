// A monotonic millisecond clock for the boot path. The global `performance`
// is a lazy getter that loads node:perf_hooks on first use (~2-3 ms of CPU
// at start, docs/benchmarks.md "Boot"); process.hrtime reads the same
// monotonic clock (uv_hrtime) without loading anything.

/** Milliseconds on a monotonic clock with an arbitrary origin (compare two readings). */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

/** Milliseconds since this process started (what performance.now() gives, without node:perf_hooks). */
export function sinceProcessStartMs(): number {
  return process.uptime() * 1e3;
}
