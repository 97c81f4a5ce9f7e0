// Ollama errors ({"error": "..."} with an HTTP status) -> ours. Ollama sends
// no rate-limit headers (a local server has no quota).

import { ProviderError, kindOfStatus, parseRetryAfter } from '../../provider-error.ts';
import type { RateLimitInfo } from '../../types.ts';
import { header, type HttpResponse } from '../../outbound.ts';
import { jsonBody } from '../request.ts';

export function ollamaError(status: number, message: string): ProviderError {
  let kind = kindOfStatus(status);
  // A model still loading or out of memory is the server being busy.
  if (status >= 500 && /loading|out of memory|busy/i.test(message)) kind = 'overloaded';
  if (/context (length|window)|too long/i.test(message)) kind = 'context_length';
  return new ProviderError(kind, message, { provider: 'ollama', status });
}

export function mapOllamaError(status: number, body: string): ProviderError {
  const err = jsonBody(body)?.error;
  return ollamaError(status, typeof err === 'string' ? err : body.slice(0, 200) || `HTTP ${status}`);
}

export function ollamaRateLimit(headers: HttpResponse['headers']): RateLimitInfo {
  return { retryAfterMs: parseRetryAfter(header(headers, 'retry-after')) };
}
