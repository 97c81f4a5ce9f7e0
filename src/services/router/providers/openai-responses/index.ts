// OpenAI Responses API adapter (POST /responses): JSON answers and the
// named-event stream. Output items are read in order: message items give the
// text, function_call items the tool calls (numbered densely in the order
// they appear, whatever their output_index).

import { StreamAccumulator } from '../../accumulate.ts';
import { ProviderError } from '../../provider-error.ts';
import { readJson, type HttpResponse } from '../../outbound.ts';
import { parseChunk, sseEvents, truncated } from '../../outbound.ts';
import type { Provider, StreamEvent } from '../../types.ts';
import { providerRequest, type AdapterIdentity } from '../request.ts';
import { fromResponsesResponse, stopOfResponse, toResponsesRequest, usageOfResponses } from './convert.ts';
import { mapResponsesError, PROVIDER, responsesRateLimit, streamError } from './errors.ts';
import type { ResponsesOutputItem, ResponsesResponse } from './wire.ts';

const adapter: AdapterIdentity = { name: PROVIDER, auth: { header: 'authorization', prefix: 'Bearer ' }, mapError: mapResponsesError, rateLimit: responsesRateLimit };

export function createOpenAIResponsesProvider(): Provider {
  return {
    kind: 'openai-responses',
    auth: adapter.auth,
    async chat(request, call) {
      const { res, rateLimit } = await providerRequest(adapter, call, '/responses', toResponsesRequest(request, call.model, false));
      const body = await readJson<ResponsesResponse>(res, PROVIDER);
      if (typeof body !== 'object' || body === null || !Array.isArray(body.output)) throw new ProviderError('protocol', 'response has no output', { provider: PROVIDER, status: res.status });
      if (body.status === 'failed') throw streamError(body.error?.code, body.error?.message);
      return { response: fromResponsesResponse(body), rateLimit };
    },
    async stream(request, call) {
      const { res, rateLimit } = await providerRequest(adapter, call, '/responses', toResponsesRequest(request, call.model, true), { accept: 'text/event-stream' });
      return { events: responsesEvents(res), rateLimit };
    },
  };
}

type FunctionCallItem = Extract<ResponsesOutputItem, { type: 'function_call' }>;
type Event = { type: string; response?: ResponsesResponse; item?: ResponsesOutputItem; output_index?: number; delta?: string; code?: string | null; message?: string };

/** Named SSE events (response.created ... response.completed) -> our events. */
async function* responsesEvents(res: HttpResponse): AsyncIterable<StreamEvent> {
  const acc = new StreamAccumulator();
  // output_index of each function_call item -> its dense tool index, and how much of its arguments we passed on.
  const tools = new Map<number, { index: number; sent: number }>();
  const toolOf = (outputIndex: number | undefined): { index: number; sent: number } => {
    const t = outputIndex === undefined ? undefined : tools.get(outputIndex);
    if (t === undefined) throw new ProviderError('protocol', `arguments for output item ${outputIndex} before its function_call item`, { provider: PROVIDER });
    return t;
  };
  for await (const sse of sseEvents(res.body, PROVIDER)) {
    const e = parseChunk<Event>(sse.data, PROVIDER);
    switch (e.type) {
      case 'response.created':
        acc.id ||= e.response?.id ?? '';
        acc.model ||= e.response?.model ?? '';
        break;
      case 'response.output_text.delta':
        if (e.delta) yield acc.textDelta(e.delta);
        break;
      case 'response.output_item.added':
        if (e.item?.type === 'function_call') {
          const item = e.item as FunctionCallItem;
          const t = { index: tools.size, sent: item.arguments?.length ?? 0 };
          tools.set(e.output_index ?? -1, t);
          yield acc.toolDelta(t.index, item.call_id, item.name, item.arguments ?? '');
        }
        break;
      case 'response.function_call_arguments.delta': {
        const t = toolOf(e.output_index);
        t.sent += e.delta?.length ?? 0;
        yield acc.toolDelta(t.index, undefined, undefined, e.delta ?? '');
        break;
      }
      case 'response.output_item.done':
        // Some servers send the arguments only on the finished item.
        if (e.item?.type === 'function_call') {
          const t = toolOf(e.output_index);
          const args = (e.item as FunctionCallItem).arguments ?? '';
          if (t.sent === 0 && args !== '') {
            t.sent = args.length;
            yield acc.toolDelta(t.index, undefined, undefined, args);
          }
        }
        break;
      case 'response.completed':
      case 'response.incomplete': {
        const r = e.response;
        if (r === undefined) throw new ProviderError('protocol', `${e.type} without its response`, { provider: PROVIDER });
        acc.model = r.model || acc.model;
        acc.usage = usageOfResponses(r.usage);
        acc.stopReason = stopOfResponse(r, tools.size > 0);
        yield acc.done();
        return;
      }
      case 'response.failed':
        throw streamError(e.response?.error?.code, e.response?.error?.message);
      case 'error':
        throw streamError(e.code, e.message);
      default:
        break; // in_progress, content_part.*, output_text.done, reasoning summaries
    }
  }
  throw truncated(PROVIDER);
}
