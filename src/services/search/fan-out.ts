// One query sent to several engines at once. Each engine gets its own
// timeout and the whole query an overall deadline; an engine that is late,
// fails or throws is reported and left out, never fails the others (one
// slow engine must not hold a whole answer). Each engine is asked for the
// first offset+limit hits: fusion ranks the union, and the page is cut from
// the fused list (an engine's page 2 is not the fused page 2).

import { messageOf } from '../../lib/errors.ts';
import type { Engine, EngineContext, EngineFetch, SearchHit, SearchQuery } from './types.ts';

/** How one engine fared in one query (`octant search query --json` shows them). */
export interface EngineReport {
  engine: string;
  ok: boolean;
  /** Hits it returned (before fusion). */
  hits: number;
  /** Milliseconds it took (or until it was given up on). */
  ms: number;
  /** Why it has no hits: timeout, deadline, or its error's code and message. */
  error?: { code: string; message: string };
}

export interface FanOutOptions {
  /** Each engine's own time limit. */
  engineTimeoutMs: number;
  /** The whole query's time limit; engines not done by then are given up on. */
  deadlineMs: number;
  /** The caller going away (an agent's call aborted, a client hung up). */
  signal?: AbortSignal;
  /** Remote engines reach the network only through this (EngineFetch: the caller's egress path). */
  fetch?: EngineFetch;
}

export interface FanOutResult {
  /** Each engine's hits, in the order the engines were given (empty for one that failed). */
  lists: SearchHit[][];
  reports: EngineReport[];
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('E_') ? code : 'E_SEARCH_ENGINE';
}

/** A hit an engine returned, checked for the fields everything after relies on (an adapter's bug stays its own). */
function wellFormed(hit: SearchHit, engine: string): boolean {
  return hit !== null && typeof hit === 'object' && typeof hit.id === 'string' && hit.engine === engine
    && typeof hit.title === 'string' && typeof hit.snippet === 'string' && typeof hit.score === 'number';
}

export async function fanOut(engines: readonly Engine[], query: SearchQuery, options: FanOutOptions): Promise<FanOutResult> {
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const overall = options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]);
  const asked: SearchQuery = { ...query, offset: 0, limit: query.offset + query.limit };
  const runs = engines.map(async (engine): Promise<{ hits: SearchHit[]; report: EngineReport }> => {
    const started = performance.now();
    const own = AbortSignal.timeout(options.engineTimeoutMs);
    const signal = AbortSignal.any([own, overall]);
    const ctx: EngineContext = engine.kind === 'remote' && options.fetch !== undefined ? { signal, fetch: options.fetch } : { signal };
    const ms = (): number => Math.round(performance.now() - started);
    // An engine that ignores its signal is still given up on: the race ends at the abort.
    const aborted = new Promise<never>((_resolve, reject) => {
      const fail = (): void => reject(signal.reason);
      if (signal.aborted) fail();
      else signal.addEventListener('abort', fail, { once: true });
    });
    try {
      const hits = await Promise.race([engine.search(asked, ctx), aborted]);
      const kept = Array.isArray(hits) ? hits.filter((h) => wellFormed(h, engine.name)).slice(0, asked.limit) : [];
      return { hits: kept, report: { engine: engine.name, ok: true, hits: kept.length, ms: ms() } };
    } catch (error) {
      const why = own.aborted
        ? { code: 'E_SEARCH_TIMEOUT', message: `${engine.name}: no answer within ${options.engineTimeoutMs} ms` }
        : deadline.aborted
          ? { code: 'E_SEARCH_DEADLINE', message: `${engine.name}: not done by the query's deadline (${options.deadlineMs} ms)` }
          : options.signal?.aborted
            ? { code: 'E_SEARCH_ABORTED', message: `${engine.name}: the query was abandoned by its caller` }
            : { code: codeOf(error), message: `${engine.name}: ${messageOf(error)}` };
      return { hits: [], report: { engine: engine.name, ok: false, hits: 0, ms: ms(), error: why } };
    } finally {
      aborted.catch(() => {}); // settled by the race or never observed: not an unhandled rejection
    }
  });
  const done = await Promise.all(runs);
  return { lists: done.map((d) => d.hits), reports: done.map((d) => d.report) };
}
