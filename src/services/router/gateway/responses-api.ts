// The OpenAI Responses API shape (platform.openai.com/docs/api-reference/responses)
// served by the gateway: input items -> our messages, our answer -> output
// items, and the semantic stream events (response.created ...
// response.output_text.delta ... response.completed).

import { randomUUID } from 'node:crypto';
import type { ChatMessage, ChatRequest, ChatResponse, StreamEvent } from '../types.ts';
import type { SseEvent } from '../../../lib/http/route.ts';

type InputContent = string | { type: 'input_text' | 'output_text'; text: string }[];

export interface ResponsesRequest {
  model: string;
  input: string | ({ type?: 'message'; role: 'user' | 'assistant' | 'system' | 'developer'; content: InputContent } | { type: 'function_call'; call_id: string; name: string; arguments: string } | { type: 'function_call_output'; call_id: string; output: string })[];
  instructions?: string;
  max_output_tokens?: number;
  temperature?: number;
  tools?: { type: 'function'; name: string; description?: string; parameters?: Record<string, unknown> }[];
  stream?: boolean;
  text?: { format?: { type: 'text' | 'json_object' | 'json_schema' } };
}

function text(content: InputContent): string {
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

export function fromResponsesRequest(body: ResponsesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (body.instructions) messages.push({ role: 'system', content: body.instructions });
  if (typeof body.input === 'string') messages.push({ role: 'user', content: body.input });
  else {
    for (const item of body.input) {
      if (item.type === 'function_call') messages.push({ role: 'assistant', content: '', toolCalls: [{ id: item.call_id, name: item.name, arguments: item.arguments }] });
      else if (item.type === 'function_call_output') messages.push({ role: 'tool', toolCallId: item.call_id, content: item.output });
      else messages.push({ role: item.role === 'developer' ? 'system' : item.role, content: text(item.content) });
    }
  }
  const out: ChatRequest = { model: body.model, messages };
  if (body.max_output_tokens !== undefined) out.maxTokens = body.max_output_tokens;
  if (body.temperature !== undefined) out.temperature = body.temperature;
  if (body.text?.format !== undefined && body.text.format.type !== 'text') out.responseFormat = 'json';
  const tools = body.tools?.filter((t) => t.type === 'function');
  if (tools !== undefined && tools.length > 0) out.tools = tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters ?? { type: 'object' } }));
  return out;
}

export function toResponse(res: ChatResponse, model: string, id = `resp_${randomUUID().replaceAll('-', '')}`) {
  const output: unknown[] = [];
  if (res.content !== '') output.push({ type: 'message', id: `msg_${id.slice(5)}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: res.content, annotations: [] }] });
  for (const c of res.toolCalls) output.push({ type: 'function_call', id: `fc_${c.id}`, call_id: c.id, name: c.name, arguments: c.arguments, status: 'completed' });
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: res.stopReason === 'length' ? 'incomplete' : 'completed',
    model: res.model || model,
    output,
    usage: { input_tokens: res.usage.promptTokens, input_tokens_details: { cached_tokens: res.usage.cachedTokens }, output_tokens: res.usage.completionTokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: res.usage.promptTokens + res.usage.completionTokens },
  };
}

/** The semantic stream events of one answer (response.created ... response.completed). */
export async function* responsesEvents(events: AsyncIterable<StreamEvent>, model: string): AsyncIterable<SseEvent> {
  const id = `resp_${randomUUID().replaceAll('-', '')}`;
  let seq = 0;
  const emit = (type: string, data: Record<string, unknown>): SseEvent => ({ event: type, data: { type, sequence_number: seq++, ...data } });
  const shell = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'in_progress', model, output: [] };
  // The first event is awaited before anything is sent: a refusal keeps its own status.
  const iterator = events[Symbol.asyncIterator]();
  let next = await iterator.next();
  yield emit('response.created', { response: shell });
  const itemId = `msg_${id.slice(5)}`;
  let opened = false;
  for (; !next.done; next = await iterator.next()) {
    const event = next.value;
    if (event.type === 'text') {
      if (!opened) {
        yield emit('response.output_item.added', { output_index: 0, item: { type: 'message', id: itemId, status: 'in_progress', role: 'assistant', content: [] } });
        yield emit('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
        opened = true;
      }
      yield emit('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: event.delta });
    } else if (event.type === 'done') {
      const final = toResponse(event.response, model, id);
      if (opened) {
        yield emit('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: event.response.content });
        yield emit('response.output_item.done', { output_index: 0, item: final.output[0] });
      }
      yield emit('response.completed', { response: final });
    }
  }
}
