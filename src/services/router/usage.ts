// Usage counts as a provider reported them are not trusted: a string, a
// negative or fractional count, or one beyond 2^53 (a hostile or broken
// upstream) would turn budget arithmetic into string concatenation or NaN
// and put a value into the outcome record the ledger cannot store. Only
// whole, non-negative counts are kept; otherwise the call is charged its
// worst-case reservation (never an undercount).

import type { Usage } from './types.ts';

const count = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The usage if every count is a whole non-negative number, else undefined. */
export function sanitizeUsage(usage: Usage | undefined): Usage | undefined {
  if (usage === undefined || usage === null || typeof usage !== 'object') return undefined;
  if (!count(usage.promptTokens) || !count(usage.completionTokens) || !count(usage.cachedTokens)) return undefined;
  return { cachedTokens: usage.cachedTokens, completionTokens: usage.completionTokens, promptTokens: usage.promptTokens };
}
