// Ollama native adapter: /api/chat (NDJSON stream), /api/embed. Ollama has
// no keys; a credential, if configured, goes in Authorization for servers
// behind an authenticating proxy.

import { StreamAccumulator } from '../../accumulate.ts';
import { ProviderError } from '../../provider-error.ts';
import { readJson, type HttpResponse } from '../../outbound.ts';
import { lines, parseChunk, truncated } from '../../outbound.ts';
import type { Provider, StreamEvent } from '../../types.ts';
import { providerRequest, type AdapterIdentity } from '../request.ts';
import { callsOf, fromOllamaResponse, toOllamaRequest } from './convert.ts';
import { mapOllamaError, ollamaError, ollamaRateLimit } from './errors.ts';
import type { OllamaChatResponse, OllamaEmbedResponse } from './wire.ts';

const adapter: AdapterIdentity = { name: 'ollama', auth: { header: 'authorization', prefix: 'Bearer ' }, mapError: mapOllamaError, rateLimit: ollamaRateLimit };

export function createOllamaProvider(): Provider {
  return {
    kind: 'ollama',
    auth: adapter.auth,
    async chat(request, call) {
      const { res, rateLimit } = await providerRequest(adapter, call, '/api/chat', toOllamaRequest(request, call.model, false));
      const body = await readJson<OllamaChatResponse>(res, 'ollama');
      if (body.error !== undefined) throw ollamaError(500, body.error);
      if (body.done !== true) throw new ProviderError('protocol', 'response is not done', { provider: 'ollama' });
      return { response: fromOllamaResponse(body), rateLimit };
    },
    async stream(request, call) {
      const { res, rateLimit } = await providerRequest(adapter, call, '/api/chat', toOllamaRequest(request, call.model, true), { accept: 'application/x-ndjson' });
      return { events: ollamaEvents(res), rateLimit };
    },
    async embed(request, call) {
      const { res } = await providerRequest(adapter, call, '/api/embed', { model: call.model, input: request.input });
      const body = await readJson<OllamaEmbedResponse>(res, 'ollama');
      if (!Array.isArray(body.embeddings)) throw new ProviderError('protocol', 'embed response has no embeddings', { provider: 'ollama' });
      return { model: body.model, vectors: body.embeddings, usage: { promptTokens: body.prompt_eval_count ?? 0, completionTokens: 0, cachedTokens: 0 } };
    },
  };
}

async function* ollamaEvents(res: HttpResponse): AsyncIterable<StreamEvent> {
  const acc = new StreamAccumulator();
  let calls = 0;
  for await (const line of lines(res.body, 'ollama')) {
    if (line.trim() === '') continue;
    const chunk = parseChunk<OllamaChatResponse>(line, 'ollama');
    if (chunk.error !== undefined) throw ollamaError(500, chunk.error);
    acc.model ||= chunk.model;
    acc.id ||= `ollama-${chunk.created_at}`;
    if (chunk.message?.content) yield acc.textDelta(chunk.message.content);
    for (const c of callsOf(chunk.message, calls)) yield acc.toolDelta(calls++, c.id, c.name, c.arguments);
    if (chunk.done) {
      acc.usage = { promptTokens: chunk.prompt_eval_count ?? 0, completionTokens: chunk.eval_count ?? 0, cachedTokens: 0 };
      acc.stopReason = calls > 0 ? 'tool_calls' : chunk.done_reason === 'length' ? 'length' : 'stop';
      yield acc.done();
      return;
    }
  }
  throw truncated('ollama');
}
