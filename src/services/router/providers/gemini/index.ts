// Google Gemini adapter: generateContent, and streamGenerateContent with
// alt=sse (each SSE data line is a whole GenerateContentResponse; the
// stream has no terminator, so a missing finishReason means truncation).
// The key goes in the x-goog-api-key header, never in `?key=`.

import { StreamAccumulator } from '../../accumulate.ts';
import { ProviderError } from '../../provider-error.ts';
import { readJson, type HttpResponse } from '../../outbound.ts';
import { parseChunk, sseEvents, truncated } from '../../outbound.ts';
import type { Provider, StreamEvent } from '../../types.ts';
import { providerRequest, type AdapterIdentity } from '../request.ts';
import { fromGeminiResponse, partsOf, stopOf, toGeminiRequest, usageOf } from './convert.ts';
import { geminiRateLimit, mapGeminiError } from './errors.ts';
import type { GeminiErrorBody, GeminiResponse } from './wire.ts';

const adapter: AdapterIdentity = { name: 'gemini', auth: { header: 'x-goog-api-key', prefix: '' }, mapError: mapGeminiError, rateLimit: geminiRateLimit };

function modelPath(model: string, method: string): string {
  const name = model.startsWith('models/') ? model : `models/${model}`;
  return `/${name.split('/').map(encodeURIComponent).join('/')}:${method}`;
}

export function createGeminiProvider(): Provider {
  return {
    kind: 'gemini',
    auth: adapter.auth,
    async chat(request, call) {
      const { res, rateLimit } = await providerRequest(adapter, call, modelPath(call.model, 'generateContent'), toGeminiRequest(request));
      const body = await readJson<GeminiResponse>(res, 'gemini');
      if (!Array.isArray(body.candidates)) {
        throw new ProviderError(body.promptFeedback?.blockReason ? 'bad_request' : 'protocol', `no candidates${body.promptFeedback?.blockReason ? ` (prompt blocked: ${body.promptFeedback.blockReason})` : ''}`, { provider: 'gemini' });
      }
      return { response: fromGeminiResponse(body, call.model), rateLimit };
    },
    async stream(request, call) {
      const { res, rateLimit } = await providerRequest(adapter, call, `${modelPath(call.model, 'streamGenerateContent')}?alt=sse`, toGeminiRequest(request), { accept: 'text/event-stream' });
      return { events: geminiEvents(res, call.model), rateLimit };
    },
  };
}

async function* geminiEvents(res: HttpResponse, model: string): AsyncIterable<StreamEvent> {
  const acc = new StreamAccumulator();
  acc.model = model;
  let calls = 0;
  let finished = false;
  for await (const sse of sseEvents(res.body, 'gemini')) {
    const chunk = parseChunk<GeminiResponse & Partial<GeminiErrorBody>>(sse.data, 'gemini');
    if (chunk.error !== undefined) throw mapGeminiError(chunk.error.code ?? 500, JSON.stringify({ error: chunk.error }), {});
    if (chunk.responseId) acc.id = chunk.responseId;
    if (chunk.modelVersion) acc.model = chunk.modelVersion;
    if (chunk.usageMetadata) acc.usage = usageOf(chunk.usageMetadata);
    const { text, calls: found } = partsOf(chunk, calls);
    if (text !== '') yield acc.textDelta(text);
    for (const c of found) yield acc.toolDelta(calls++, c.id, c.name, c.arguments);
    const reason = chunk.candidates?.[0]?.finishReason;
    if (reason !== undefined) {
      acc.stopReason = stopOf(reason, calls > 0);
      finished = true;
    }
  }
  if (!finished) throw truncated('gemini');
  yield acc.done();
}
