// Units in manifests. Sizes are bytes, rates bytes per second, durations
// seconds; authors may write them with a unit ("512MiB", "10MB/s", "8h").
// The normal (signed) form always holds plain numbers.

import { describe, schemaError } from './field-reader.ts';

const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12,
  KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40,
};

const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Largest byte count or rate accepted: 1 PiB, far above any host, far below 2^53. */
export const MAX_BYTES = 2 ** 50;
/** Longest finite TTL: 10 years. Longer is "unlimited", which needs approval. */
export const MAX_TTL_SECONDS = 10 * 365 * 86400;

function wholeInRange(n: number, path: string, min: number, max: number, unit: string): number {
  if (!Number.isFinite(n) || !Number.isInteger(n)) throw schemaError(path, `${n} is not a whole number of ${unit}`);
  if (n < min || n > max) throw schemaError(path, `${n} ${unit} is outside ${min}..${max}`);
  return n;
}

/** Bytes (or bytes per second when `rate`), from a number or "<n><unit>[/s]". */
export function readBytes(value: unknown, path: string, options: { rate?: boolean; min?: number } = {}): number {
  const min = options.min ?? 1;
  const unit = options.rate ? 'bytes per second' : 'bytes';
  if (typeof value === 'number') return wholeInRange(value, path, min, MAX_BYTES, unit);
  if (typeof value !== 'string' || value.length > 32) throw schemaError(path, `expected ${unit} (a number or e.g. "512MiB"), got ${describe(value)}`);
  const match = /^(\d{1,16}(?:\.\d{1,6})?)\s?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)(\/s)?$/.exec(value);
  if (match === null || (match[3] !== undefined) !== (options.rate === true)) {
    throw schemaError(path, `${JSON.stringify(value)} is not ${options.rate ? 'a rate like "10MiB/s"' : 'a size like "512MiB"'}`);
  }
  return wholeInRange(Number(match[1]) * SIZE_UNITS[match[2]], path, min, MAX_BYTES, unit);
}

/** Seconds, from a number or "1h30m"-style text; "unlimited" passes through. */
export function readTtl(value: unknown, path: string): number | 'unlimited' {
  if (value === 'unlimited') return 'unlimited';
  if (typeof value === 'number') return wholeInRange(value, path, 1, MAX_TTL_SECONDS, 'seconds');
  if (typeof value !== 'string' || value.length > 32 || !/^(\d{1,9}[smhd])+$/.test(value)) {
    throw schemaError(path, `expected seconds, a duration like "8h" or "1h30m", or "unlimited"; got ${describe(value)}`);
  }
  let total = 0;
  for (const part of value.matchAll(/(\d+)([smhd])/g)) total += Number(part[1]) * DURATION_UNITS[part[2]];
  return wholeInRange(total, path, 1, MAX_TTL_SECONDS, 'seconds');
}

/** Human form of a byte count for explain and diff. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (n >= size && n % (size / 1024) === 0) return `${Number((n / size).toFixed(2))} ${unit}`;
  }
  return `${n} B`;
}

export function formatDuration(seconds: number | 'unlimited'): string {
  if (seconds === 'unlimited') return 'unlimited';
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) { parts.push(`${Math.floor(rest / size)}${unit}`); rest %= size; }
  }
  return parts.join('');
}
