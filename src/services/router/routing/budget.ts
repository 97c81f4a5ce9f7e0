// Spend and token budgets per agent and per route, checked before a call:
// the worst case (prompt estimate + the full completion allowance at the
// priciest candidate) is reserved first, and the reservation is settled to
// the real usage after. Concurrent requests therefore cannot overspend
// together. Days are UTC days.

import { EXIT, OctantError } from '../../../lib/errors.ts';
import type { BudgetLimits } from '../types.ts';

interface Account {
  day: string;
  usdDay: number;
  tokensDay: number;
  usdTotal: number;
  tokensTotal: number;
}

export interface Reservation {
  accounts: { key: string; limits: BudgetLimits }[];
  usd: number;
  tokens: number;
  settled: boolean;
}

export type BudgetSnapshot = Record<string, Account>;

const DAY_MS = 86_400_000;
// The last day computed: formatting a date on every request showed in the
// router's profile, and consecutive requests almost always share the day.
let lastDay = { start: 0, end: 0, text: '' };

function utcDay(now: number): string {
  if (now >= lastDay.start && now < lastDay.end) return lastDay.text;
  const start = Math.floor(now / DAY_MS) * DAY_MS;
  lastDay = { start, end: start + DAY_MS, text: new Date(start).toISOString().slice(0, 10) };
  return lastDay.text;
}

export class Budgets {
  private readonly accounts = new Map<string, Account>();

  private account(key: string, now: number): Account {
    const day = utcDay(now);
    let a = this.accounts.get(key);
    if (a === undefined) this.accounts.set(key, (a = { day, usdDay: 0, tokensDay: 0, usdTotal: 0, tokensTotal: 0 }));
    if (a.day !== day) Object.assign(a, { day, usdDay: 0, tokensDay: 0 });
    return a;
  }

  /** Reserve the worst case against every applicable account, or refuse naming the limit. */
  reserve(scopes: { key: string; limits: BudgetLimits | undefined }[], usd: number, tokens: number, now: number): Reservation {
    // Fail closed: a count that is not a finite, non-negative amount (NaN
    // from a malformed request) would pass every comparison below.
    if (!(Number.isFinite(usd) && usd >= 0 && Number.isSafeInteger(tokens) && tokens >= 0)) {
      throw new OctantError('E_ROUTER_REQUEST', `budget: this request's cost (${usd} USD, ${tokens} tokens) is not a countable amount`, { exit: EXIT.usage, detail: { status: 400 } });
    }
    const applicable = scopes.filter((s): s is { key: string; limits: BudgetLimits } => s.limits !== undefined);
    for (const { key, limits } of applicable) {
      const a = this.account(key, now);
      const checks: [keyof BudgetLimits, number, number][] = [
        ['usdPerRequest', 0, usd],
        ['tokensPerRequest', 0, tokens],
        ['usdPerDay', a.usdDay, usd],
        ['tokensPerDay', a.tokensDay, tokens],
        ['usdTotal', a.usdTotal, usd],
        ['tokensTotal', a.tokensTotal, tokens],
      ];
      for (const [name, used, add] of checks) {
        const cap = limits[name];
        if (cap !== undefined && used + add > cap) {
          throw new OctantError('E_ROUTER_BUDGET', `${key}: budget ${name} ${cap} would be exceeded (used ${round(used)}, this request may cost up to ${round(add)})`, {
            exit: EXIT.denied,
            hint: name.endsWith('PerRequest') ? 'lower max_tokens or shorten the prompt' : 'wait for the daily reset or raise the budget',
            detail: { scope: key, limit: name, cap, used, request: add },
          });
        }
      }
    }
    for (const { key } of applicable) this.add(key, usd, tokens, now);
    return { accounts: applicable, usd, tokens, settled: false };
  }

  /** Replace the reserved worst case with what the call really used (0, 0 if it failed). */
  settle(r: Reservation, usd: number, tokens: number, now: number): void {
    if (r.settled) return;
    r.settled = true;
    for (const { key } of r.accounts) this.add(key, usd - r.usd, tokens - r.tokens, now);
  }

  private add(key: string, usd: number, tokens: number, now: number): void {
    const a = this.account(key, now);
    a.usdDay = Math.max(0, a.usdDay + usd);
    a.tokensDay = Math.max(0, a.tokensDay + tokens);
    a.usdTotal = Math.max(0, a.usdTotal + usd);
    a.tokensTotal = Math.max(0, a.tokensTotal + tokens);
  }

  /**
   * Count spend recorded in the ledger at time `at` (recovery after a crash,
   * spend-recovery.ts): like a reservation or a settlement, without limits.
   * Spend from an earlier day than the account's counts toward its totals only.
   */
  record(key: string, usd: number, tokens: number, at: number): void {
    const a = this.accounts.get(key);
    if (a !== undefined && utcDay(at) < a.day) {
      a.usdTotal = Math.max(0, a.usdTotal + usd);
      a.tokensTotal = Math.max(0, a.tokensTotal + tokens);
      return;
    }
    this.add(key, usd, tokens, at);
  }

  used(key: string, now: number): Account {
    return { ...this.account(key, now) };
  }

  snapshot(): BudgetSnapshot {
    return Object.fromEntries([...this.accounts].map(([k, v]) => [k, { ...v }]));
  }

  restore(data: BudgetSnapshot): void {
    for (const [k, v] of Object.entries(data)) this.accounts.set(k, { ...v });
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
