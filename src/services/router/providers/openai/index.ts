// OpenAI Chat Completions adapter; with a preset it serves every
// OpenAI-compatible service (presets.ts).

import { StreamAccumulator } from '../../accumulate.ts';
import { ProviderError } from '../../provider-error.ts';
import { readJson } from '../../outbound.ts';
import { parseChunk, sseEvents, truncated } from '../../outbound.ts';
import type { ChatRequest, EmbedRequest, EmbedResponse, Provider, ProviderCall, StreamEvent } from '../../types.ts';
import { providerRequest, type AdapterIdentity } from '../request.ts';
import { fromOpenAIResponse, stopOf, toOpenAIRequest, usageOf } from './convert.ts';
import { mapOpenAIError, openAIRateLimit } from './errors.ts';
import { OPENAI_PRESETS, type OpenAIPreset } from './presets.ts';
import type { OpenAIChatResponse, OpenAIChunk, OpenAIEmbeddingResponse, OpenAIErrorBody } from './wire.ts';
import type { HttpResponse } from '../../outbound.ts';

export function createOpenAIProvider(presetName = 'openai'): Provider {
  const preset: OpenAIPreset | undefined = OPENAI_PRESETS[presetName];
  if (preset === undefined) throw new ProviderError('bad_request', `unknown OpenAI-compatible preset '${presetName}'`, { provider: presetName });
  const adapter: AdapterIdentity = { name: presetName, auth: { header: 'authorization', prefix: 'Bearer ' }, mapError: mapOpenAIError(presetName), rateLimit: openAIRateLimit };
  const withPreset = (call: ProviderCall): ProviderCall => (preset.headers === undefined ? call : { ...call, headers: { ...preset.headers, ...call.headers } });

  return {
    kind: 'openai',
    auth: adapter.auth,
    async chat(request, call) {
      const { res, rateLimit } = await providerRequest(adapter, withPreset(call), '/chat/completions', toOpenAIRequest(request, call.model, false));
      const body = await readJson<OpenAIChatResponse>(res, presetName);
      if (!Array.isArray(body.choices)) throw new ProviderError('protocol', 'response has no choices', { provider: presetName, status: res.status });
      return { response: fromOpenAIResponse(body), rateLimit };
    },
    async stream(request, call) {
      const wire = toOpenAIRequest(request, call.model, true);
      if (preset.noStreamOptions) delete wire.stream_options;
      const { res, rateLimit } = await providerRequest(adapter, withPreset(call), '/chat/completions', wire, { accept: 'text/event-stream' });
      return { events: openAIEvents(res, presetName, request), rateLimit };
    },
    async embed(request: EmbedRequest, call): Promise<EmbedResponse> {
      const { res } = await providerRequest(adapter, withPreset(call), '/embeddings', { model: call.model, input: request.input, encoding_format: 'float' });
      const body = await readJson<OpenAIEmbeddingResponse>(res, presetName);
      if (!Array.isArray(body.data)) throw new ProviderError('protocol', 'embedding response has no data', { provider: presetName });
      const vectors = [...body.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      return { model: body.model, vectors, usage: { promptTokens: body.usage?.prompt_tokens ?? 0, completionTokens: 0, cachedTokens: 0 } };
    },
  };
}

/** SSE chunks (`data: {...}` ... `data: [DONE]`) -> our events. */
async function* openAIEvents(res: HttpResponse, provider: string, _request: ChatRequest): AsyncIterable<StreamEvent> {
  const acc = new StreamAccumulator();
  for await (const sse of sseEvents(res.body, provider)) {
    if (sse.data === '[DONE]') {
      yield acc.done();
      return;
    }
    const chunk = parseChunk<OpenAIChunk & Partial<OpenAIErrorBody>>(sse.data, provider);
    // A failure after the head arrives as a data line carrying an error object.
    if (chunk.error !== undefined) throw mapOpenAIError(provider)(500, JSON.stringify({ error: chunk.error }), {});
    acc.id ||= chunk.id;
    acc.model ||= chunk.model;
    if (chunk.usage) acc.usage = usageOf(chunk.usage);
    for (const choice of chunk.choices ?? []) {
      const d = choice.delta ?? {};
      if (typeof d.content === 'string' && d.content !== '') yield acc.textDelta(d.content);
      for (const t of d.tool_calls ?? []) yield acc.toolDelta(t.index, t.id, t.function?.name, t.function?.arguments ?? '');
      if (choice.finish_reason) acc.stopReason = stopOf(choice.finish_reason);
    }
  }
  throw truncated(provider);
}
