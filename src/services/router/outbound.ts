// The router's view of the outbound client (lib/outbound/): the same calls,
// with every failure as a ProviderError so the failover loop and the
// gateways see one error type from every adapter. lib/outbound's kinds
// (bad_request, timeout, network, protocol) are ProviderError kinds of the
// same names and meaning.

import { asOutboundError } from '../../lib/outbound/outbound-error.ts';
import * as outbound from '../../lib/outbound/http-client.ts';
import * as framing from '../../lib/outbound/stream-lines.ts';
import { ProviderError } from './provider-error.ts';

export { header, type HttpClient, type HttpResponse } from '../../lib/outbound/http-client.ts';
export type { SseEvent } from '../../lib/outbound/stream-lines.ts';

export function asProviderError(error: unknown, provider: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = asOutboundError(error, provider);
  return new ProviderError(e.kind, e.reason, { provider, status: e.status, cause: e.cause ?? e });
}

export async function send(client: outbound.HttpClient, request: outbound.HttpRequest, provider: string, signal: AbortSignal, timeoutMs: number): Promise<outbound.HttpResponse> {
  try {
    return await client.send(request, provider, signal, timeoutMs);
  } catch (error) {
    throw asProviderError(error, provider);
  }
}

export async function readText(res: outbound.HttpResponse, provider: string, limit?: number): Promise<string> {
  try {
    return await outbound.readText(res, provider, limit);
  } catch (error) {
    throw asProviderError(error, provider);
  }
}

export async function readJson<T>(res: outbound.HttpResponse, provider: string): Promise<T> {
  try {
    return await outbound.readJson<T>(res, provider);
  } catch (error) {
    throw asProviderError(error, provider);
  }
}

export async function* lines(body: AsyncIterable<Buffer>, provider: string): AsyncIterable<string> {
  try {
    yield* framing.lines(body, provider);
  } catch (error) {
    throw asProviderError(error, provider);
  }
}

export async function* sseEvents(body: AsyncIterable<Buffer>, provider: string): AsyncIterable<framing.SseEvent> {
  try {
    yield* framing.sseEvents(body, provider);
  } catch (error) {
    throw asProviderError(error, provider);
  }
}

/** Parse one JSON payload of a stream, as a protocol error if malformed. */
export function parseChunk<T>(text: string, provider: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ProviderError('protocol', `malformed JSON in the stream (${text.slice(0, 80)})`, { provider, cause: error });
  }
}

/** The error for a stream that ended before its terminator. */
export function truncated(provider: string): ProviderError {
  return new ProviderError('protocol', 'the stream ended before its final event', { provider });
}
