// Anthropic Messages adapter (non-streamed and the named-event SSE stream).

import { StreamAccumulator } from '../../accumulate.ts';
import { ProviderError } from '../../provider-error.ts';
import { readJson, type HttpResponse } from '../../outbound.ts';
import { parseChunk, sseEvents, truncated } from '../../outbound.ts';
import type { Provider, StreamEvent } from '../../types.ts';
import { providerRequest, type AdapterIdentity } from '../request.ts';
import { fromAnthropicResponse, stopOf, toAnthropicRequest, usageOf } from './convert.ts';
import { anthropicError, anthropicRateLimit, mapAnthropicError } from './errors.ts';
import { ANTHROPIC_VERSION, type AnthropicResponse, type AnthropicStreamEvent } from './wire.ts';

const adapter: AdapterIdentity = { name: 'anthropic', auth: { header: 'x-api-key', prefix: '' }, mapError: mapAnthropicError, rateLimit: anthropicRateLimit };
const VERSION = { 'anthropic-version': ANTHROPIC_VERSION };

export function createAnthropicProvider(): Provider {
  return {
    kind: 'anthropic',
    auth: adapter.auth,
    async chat(request, call) {
      const { res, rateLimit } = await providerRequest(adapter, call, '/v1/messages', toAnthropicRequest(request, call.model, false), VERSION);
      const body = await readJson<AnthropicResponse>(res, 'anthropic');
      if (!Array.isArray(body.content)) throw new ProviderError('protocol', 'response has no content array', { provider: 'anthropic', status: res.status });
      return { response: fromAnthropicResponse(body), rateLimit };
    },
    async stream(request, call) {
      const { res, rateLimit } = await providerRequest(adapter, call, '/v1/messages', toAnthropicRequest(request, call.model, true), { ...VERSION, accept: 'text/event-stream' });
      return { events: anthropicEvents(res), rateLimit };
    },
  };
}

async function* anthropicEvents(res: HttpResponse): AsyncIterable<StreamEvent> {
  const acc = new StreamAccumulator();
  // Their block index counts text blocks too; ours counts tool calls only.
  const toolIndex = new Map<number, number>();
  let inputTokens = { input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  for await (const sse of sseEvents(res.body, 'anthropic')) {
    const ev = parseChunk<AnthropicStreamEvent>(sse.data, 'anthropic');
    switch (ev.type) {
      case 'message_start':
        acc.id = ev.message.id;
        acc.model = ev.message.model;
        inputTokens = { input_tokens: ev.message.usage?.input_tokens ?? 0, cache_read_input_tokens: ev.message.usage?.cache_read_input_tokens ?? 0, cache_creation_input_tokens: ev.message.usage?.cache_creation_input_tokens ?? 0 };
        break;
      case 'content_block_start':
        if (ev.content_block.type === 'tool_use') {
          toolIndex.set(ev.index, toolIndex.size);
          yield acc.toolDelta(toolIndex.get(ev.index)!, ev.content_block.id, ev.content_block.name, '');
        } else if (ev.content_block.type === 'text' && ev.content_block.text !== '') yield acc.textDelta(ev.content_block.text);
        break;
      case 'content_block_delta':
        if (ev.delta.type === 'text_delta') yield acc.textDelta(ev.delta.text);
        else if (ev.delta.type === 'input_json_delta') yield acc.toolDelta(toolIndex.get(ev.index) ?? 0, undefined, undefined, ev.delta.partial_json);
        break;
      case 'message_delta':
        acc.stopReason = stopOf(ev.delta.stop_reason);
        acc.usage = usageOf({ ...inputTokens, output_tokens: ev.usage?.output_tokens ?? 0 });
        break;
      case 'message_stop':
        yield acc.done();
        return;
      case 'error':
        // Errors after the 200 head arrive as an `error` event (e.g. overloaded).
        throw anthropicError(500, ev.error?.type, ev.error?.message ?? 'stream error');
      default:
        break; // ping, content_block_stop, future event types
    }
  }
  throw truncated('anthropic');
}
