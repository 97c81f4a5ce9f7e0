// Ours <-> OpenAI Responses API. Chat messages become input items (assistant
// tool calls become function_call items, tool answers function_call_output
// items); the output items of a response become one ChatResponse.

import { textOf } from '../../accumulate.ts';
import type { ChatMessage, ChatRequest, ChatResponse, ContentPart, StopReason, ToolCall, Usage } from '../../types.ts';
import type { ResponsesInputContent, ResponsesInputItem, ResponsesRequest, ResponsesResponse, ResponsesUsage } from './wire.ts';

function toContent(content: string | ContentPart[]): string | ResponsesInputContent[] {
  if (typeof content === 'string') return content;
  return content.map((p): ResponsesInputContent => (p.type === 'text' ? { type: 'input_text', text: p.text } : { type: 'input_image', image_url: p.url }));
}

function toItems(m: ChatMessage): ResponsesInputItem[] {
  if (m.role === 'tool') return [{ type: 'function_call_output', call_id: m.toolCallId ?? '', output: textOf(m.content) }];
  if (m.role !== 'assistant') return [{ type: 'message', role: m.role, content: toContent(m.content) }];
  const text = textOf(m.content);
  const items: ResponsesInputItem[] = text === '' ? [] : [{ type: 'message', role: 'assistant', content: text }];
  for (const c of m.toolCalls ?? []) items.push({ type: 'function_call', call_id: c.id, name: c.name, arguments: c.arguments });
  return items;
}

export function toResponsesRequest(req: ChatRequest, model: string, stream: boolean): ResponsesRequest {
  // store: false — the router resends the whole conversation; nothing is kept upstream.
  const out: ResponsesRequest = { model, input: req.messages.flatMap(toItems), store: false };
  if (req.tools !== undefined && req.tools.length > 0) out.tools = req.tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.parameters }));
  if (req.toolChoice !== undefined) out.tool_choice = typeof req.toolChoice === 'string' ? req.toolChoice : { type: 'function', name: req.toolChoice.name };
  if (req.maxTokens !== undefined) out.max_output_tokens = req.maxTokens;
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.topP !== undefined) out.top_p = req.topP;
  if (req.responseFormat === 'json') out.text = { format: { type: 'json_object' } };
  if (stream) out.stream = true;
  return out;
}

export function usageOfResponses(u: ResponsesUsage | null | undefined): Usage {
  return { promptTokens: u?.input_tokens ?? 0, completionTokens: u?.output_tokens ?? 0, cachedTokens: u?.input_tokens_details?.cached_tokens ?? 0 };
}

/** status + incomplete_details + whether a function was called -> our stop reason. */
export function stopOfResponse(res: Pick<ResponsesResponse, 'status' | 'incomplete_details'>, calledTools: boolean): StopReason {
  if (res.status === 'incomplete') return res.incomplete_details?.reason === 'content_filter' ? 'content_filter' : 'length';
  if (res.status === 'failed' || res.status === 'cancelled') return 'error';
  return calledTools ? 'tool_calls' : 'stop';
}

export function fromResponsesResponse(res: ResponsesResponse): ChatResponse {
  let content = '';
  const toolCalls: ToolCall[] = [];
  for (const item of res.output) {
    if (item.type === 'message') {
      for (const part of (item as Extract<typeof item, { type: 'message' }>).content) if (part.type === 'output_text') content += part.text;
    } else if (item.type === 'function_call') {
      const call = item as Extract<typeof item, { type: 'function_call' }>;
      toolCalls.push({ id: call.call_id, name: call.name, arguments: call.arguments });
    }
  }
  return { id: res.id, model: res.model, content, toolCalls, stopReason: stopOfResponse(res, toolCalls.length > 0), usage: usageOfResponses(res.usage) };
}
