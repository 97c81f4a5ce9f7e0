// Responses API errors -> ours. HTTP errors use the OpenAI error body
// ({"error": {message, type, param, code}}) and x-ratelimit-* headers, so the
// Chat Completions mapping applies; failures after the head arrive in the
// stream as an `error` event or a `response.failed` whose response.error
// carries a code (API reference "Streaming events": error, response.failed).

import { ProviderError } from '../../provider-error.ts';
import type { ProviderErrorKind } from '../../types.ts';
import { mapOpenAIError, openAIRateLimit } from '../openai/errors.ts';

export const PROVIDER = 'openai-responses';

export const mapResponsesError = mapOpenAIError(PROVIDER);
export const responsesRateLimit = openAIRateLimit;

const BY_CODE: Record<string, ProviderErrorKind> = {
  rate_limit_exceeded: 'rate_limited',
  insufficient_quota: 'rate_limited',
  server_error: 'server',
  server_is_overloaded: 'overloaded',
  slow_down: 'overloaded',
  context_length_exceeded: 'context_length',
  invalid_prompt: 'bad_request',
  invalid_api_key: 'auth',
};

/** An error that arrived inside a 200 stream or a failed response object. */
export function streamError(code: string | null | undefined, message: string | undefined): ProviderError {
  // Unknown codes after the head are treated as server trouble: retryable.
  const kind = (code ? BY_CODE[code] : undefined) ?? 'server';
  return new ProviderError(kind, `${code ?? 'error'}: ${message ?? 'the response failed'}`, { provider: PROVIDER });
}
