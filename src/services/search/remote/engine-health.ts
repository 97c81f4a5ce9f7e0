// Engine health: an engine that blocks us or fails is suspended, with
// exponential backoff, so a throttled or broken engine costs nothing while
// it recovers, and a recovering one is probed by one real query, not a
// burst. State per engine, in memory (a restart forgets it: the first query
// after a restart is the probe). `octant search engines` shows report().
//
// After a suspending failure (engine-error.ts SUSPENDING) the engine is
// suspended for max(Retry-After, base * 2^(failures-1)), capped; calls
// within the window fail at once with 'suspended' and send nothing; the
// first call after it goes out, and its outcome either clears the state or
// doubles the window. 'bad_request' (our request's fault) changes nothing.

import type { Engine } from '../types.ts';
import { EngineError, SUSPENDING, isEngineError } from './engine-error.ts';

export interface EngineHealthOptions {
  /** The first suspension (default one minute). */
  baseMs?: number;
  /** The longest suspension (default six hours). */
  maxMs?: number;
  /** The clock (Date.now unless given). */
  now?: () => number;
}

export interface EngineHealthReport {
  engine: string;
  state: 'ok' | 'suspended';
  /** Suspending failures in a row. */
  failures: number;
  /** When the suspension ends (epoch ms), while suspended. */
  suspendedUntil?: number;
  lastError?: { kind: string; message: string; at: number };
}

interface State {
  failures: number;
  until: number;
  lastError?: { kind: string; message: string; at: number };
}

export class EngineHealth {
  readonly #states = new Map<string, State>();
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #now: () => number;

  constructor(options: EngineHealthOptions = {}) {
    this.#baseMs = options.baseMs ?? 60_000;
    this.#maxMs = options.maxMs ?? 6 * 3_600_000;
    this.#now = options.now ?? Date.now;
  }

  /** Runs one call to `engine` unless it is suspended; records the outcome. */
  async run<T>(engine: string, call: () => Promise<T>): Promise<T> {
    const state = this.#states.get(engine);
    const now = this.#now();
    if (state !== undefined && now < state.until) {
      throw new EngineError('suspended', engine, `suspended for ${Math.ceil((state.until - now) / 1000)} s more after ${state.failures} failure(s) (last: ${state.lastError?.kind ?? 'unknown'})`, { retryAfterMs: state.until - now });
    }
    try {
      const result = await call();
      this.#states.delete(engine);
      return result;
    } catch (error) {
      if (isEngineError(error) && SUSPENDING.has(error.kind)) this.#fail(engine, error);
      throw error;
    }
  }

  #fail(engine: string, error: EngineError): void {
    const now = this.#now();
    const failures = (this.#states.get(engine)?.failures ?? 0) + 1;
    // 2^20 minutes is far past any cap: keep the exponent bounded.
    const backoff = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(failures - 1, 20));
    const delay = Math.min(this.#maxMs, Math.max(backoff, error.retryAfterMs ?? 0));
    this.#states.set(engine, { failures, until: now + delay, lastError: { kind: error.kind, message: error.message, at: now } });
  }

  /** An engine whose search goes through run(). */
  guard(engine: Engine): Engine {
    return { ...engine, search: (query, ctx) => this.run(engine.name, () => engine.search(query, ctx)) };
  }

  /** One line per engine named (all known ones when none are). */
  report(engines?: readonly string[]): EngineHealthReport[] {
    const now = this.#now();
    const names = engines ?? [...this.#states.keys()].sort();
    return names.map((engine) => {
      const s = this.#states.get(engine);
      if (s === undefined) return { engine, state: 'ok', failures: 0 };
      const report: EngineHealthReport = { engine, state: now < s.until ? 'suspended' : 'ok', failures: s.failures };
      if (now < s.until) report.suspendedUntil = s.until;
      if (s.lastError !== undefined) report.lastError = s.lastError;
      return report;
    });
  }
}
