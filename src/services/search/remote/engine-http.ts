// The one way an adapter calls its engine: through the caller's EngineFetch
// (never a socket of its own), with every failure turned into an
// EngineError the service can act on. Adapters give the URL (always the
// engine's real one), what they accept, and optionally their own reading of
// an error answer (errors.ts of each adapter); the rest is shared.

import { OctantError, isOctantError, messageOf } from '../../../lib/errors.ts';
import type { EngineContext, EngineFetch } from '../types.ts';
import { EngineError, errorOfStatus, isEngineError } from './engine-error.ts';
import { FORM_TYPE } from './privacy.ts';

export interface EngineAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** An adapter's own reading of a non-2xx answer (or a 2xx that is really an error); undefined: use the status. */
export type ErrorReader = (answer: EngineAnswer) => EngineError | undefined;

export interface EngineCall {
  url: string;
  accept: string;
  /** A form POST body (DuckDuckGo's no-JS page); absent: GET. */
  form?: Readonly<Record<string, string>>;
  readError?: ErrorReader;
  /** 404 is an answer ("no such thing": PyPI's exact lookup), not an error. */
  notFoundIsAnswer?: boolean;
}

export async function callEngine(engine: string, ctx: EngineContext, call: EngineCall): Promise<EngineAnswer> {
  const fetch = ctx.fetch;
  if (fetch === undefined) {
    throw new OctantError('E_SEARCH_NO_EGRESS', `${engine}: a remote engine was called without an egress fetch`, { hint: 'remote engines are reached only through the agent\'s egress proxy' });
  }
  let answer: EngineAnswer;
  try {
    const init: Parameters<EngineFetch>[1] = { method: 'GET', headers: { accept: call.accept }, signal: ctx.signal };
    if (call.form !== undefined) {
      init.method = 'POST';
      init.headers = { accept: call.accept, 'content-type': FORM_TYPE };
      init.body = new URLSearchParams(call.form).toString();
    }
    const res = await fetch(call.url, init);
    answer = { status: res.status, headers: res.headers, body: await res.text() };
  } catch (error) {
    // A privacy refusal is our bug, not the engine's failure: it must not read as a network error.
    if (isEngineError(error) || isOctantError(error, 'E_SEARCH_PRIVACY')) throw error;
    throw new EngineError('network', engine, messageOf(error), { cause: error });
  }
  const own = call.readError?.(answer);
  if (own !== undefined) throw own;
  if (answer.status >= 300 && answer.status < 400) {
    // We never follow redirects: engines redirect a client they distrust to a captcha or consent page.
    throw new EngineError('blocked', engine, `HTTP ${answer.status}: redirected to ${hostOf(answer.headers.location)}`, { status: answer.status });
  }
  if (answer.status === 404 && call.notFoundIsAnswer === true) return answer;
  if (answer.status < 200 || answer.status >= 300) throw errorOfStatus(engine, answer.status, answer.headers);
  return answer;
}

function hostOf(location: string | undefined): string {
  if (location === undefined) return 'nowhere';
  try {
    return new URL(location, 'https://engine.invalid').host;
  } catch {
    return 'an invalid location';
  }
}

/**
 * The error a non-2xx status means, with the engine's own explanation when
 * its body has one: the first capture of `detail` (a JSON string field such
 * as "message" or "detail"), clipped. Undefined for a 2xx or 3xx answer.
 */
export function statusError(engine: string, answer: EngineAnswer, detail: RegExp): EngineError | undefined {
  if (answer.status < 400) return undefined;
  const error = errorOfStatus(engine, answer.status, answer.headers);
  const m = detail.exec(answer.body);
  if (m?.[1] !== undefined) error.message = `${error.message} (${m[1].slice(0, 200)})`;
  return error;
}

/** JSON.parse that fails as 'malformed' naming the engine. */
export function parseJson(engine: string, body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new EngineError('malformed', engine, `the body is not JSON (${messageOf(error)})`, { cause: error });
  }
}

/** A shape check failed: the engine changed its format or sent something else. */
export function malformed(engine: string, what: string): EngineError {
  return new EngineError('malformed', engine, what);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The array at `value[key]`, or a 'malformed' error naming the key. */
export function arrayAt(engine: string, value: unknown, key: string): unknown[] {
  const v = isRecord(value) ? value[key] : undefined;
  if (!Array.isArray(v)) throw malformed(engine, `no '${key}' array in the answer`);
  return v;
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * How many hits to ask an engine for: the query's limit, at least one and at
 * most `max`, the largest page the engine documents (a larger one is refused
 * or silently cut by the engine).
 */
export function pageSize(query: { limit: number }, max: number): number {
  return Math.min(Math.max(query.limit, 1), max);
}
