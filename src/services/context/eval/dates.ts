// The date formats of the public conversational benchmarks. Neither names a
// time zone; both are read as UTC (only the order and the distances between
// dates matter to recall: recency is relative to the question's date).

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function utc(year: number, month: number, day: number, hour: number, minute: number): number | undefined {
  const t = Date.UTC(year, month, day, hour, minute);
  const d = new Date(t);
  // Date.UTC rolls 31 April over to 1 May: a date that does not exist is refused.
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month || d.getUTCDate() !== day || hour > 23 || minute > 59) return undefined;
  return t;
}

/** LongMemEval's haystack_dates and question_date: `2023/05/20 (Sat) 02:21` (the weekday is not checked). */
export function longMemEvalDate(value: string): number | undefined {
  const m = /^\s*(\d{4})\/(\d{1,2})\/(\d{1,2})(?:\s*\([A-Za-z]{3}\))?(?:\s+(\d{1,2}):(\d{2}))?\s*$/.exec(value);
  if (m === null) return undefined;
  return utc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
}

/** LoCoMo's session_N_date_time: `1:56 pm on 8 May, 2023`. */
export function locomoDate(value: string): number | undefined {
  const m = /^\s*(\d{1,2}):(\d{2})\s*([ap])\.?m\.?\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})\s*$/i.exec(value);
  if (m === null) return undefined;
  const month = MONTHS.findIndex((name) => name.startsWith(m[5].toLowerCase()) && m[5].length >= 3);
  const hour12 = Number(m[1]);
  if (month < 0 || hour12 < 1 || hour12 > 12) return undefined;
  const hour = (hour12 % 12) + (m[3].toLowerCase() === 'p' ? 12 : 0);
  return utc(Number(m[6]), month, Number(m[4]), hour, Number(m[2]));
}

/** Ours: ms since epoch, or an ISO 8601 date-time (`2025-01-01T09:00:00Z`). */
export function isoOrMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value)) return undefined;
  const t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(t) ? undefined : t;
}
