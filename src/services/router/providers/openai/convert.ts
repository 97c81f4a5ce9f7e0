// Ours <-> OpenAI Chat Completions, both directions: the adapter uses
// toOpenAIRequest/fromOpenAIResponse, the gateway the reverse pair.

import type { ChatMessage, ChatRequest, ChatResponse, ContentPart, StopReason, ToolChoice, Usage } from '../../types.ts';
import type { OpenAIChatRequest, OpenAIChatResponse, OpenAIContentPart, OpenAIFinishReason, OpenAIMessage, OpenAIToolChoice, OpenAIUsage } from './wire.ts';

function toParts(content: string | ContentPart[]): string | OpenAIContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: p.url } }));
}

export function toOpenAIMessage(m: ChatMessage): OpenAIMessage {
  if (m.role === 'tool') return { role: 'tool', content: typeof m.content === 'string' ? m.content : toParts(m.content), tool_call_id: m.toolCallId ?? '' };
  const out: OpenAIMessage = { role: m.role, content: toParts(m.content) };
  if (m.toolCalls !== undefined && m.toolCalls.length > 0) {
    out.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    if (out.content === '') out.content = null;
  }
  return out;
}

function toChoice(choice: ToolChoice): OpenAIToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

export function toOpenAIRequest(req: ChatRequest, model: string, stream: boolean): OpenAIChatRequest {
  const out: OpenAIChatRequest = { model, messages: req.messages.map(toOpenAIMessage) };
  if (req.tools !== undefined && req.tools.length > 0) {
    out.tools = req.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  }
  if (req.toolChoice !== undefined) out.tool_choice = toChoice(req.toolChoice);
  if (req.maxTokens !== undefined) out.max_tokens = req.maxTokens;
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.topP !== undefined) out.top_p = req.topP;
  if (req.stop !== undefined) out.stop = req.stop;
  if (req.responseFormat === 'json') out.response_format = { type: 'json_object' };
  if (stream) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return out;
}

export function stopOf(reason: OpenAIFinishReason): StopReason {
  if (reason === 'length') return 'length';
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool_calls';
  if (reason === 'content_filter') return 'content_filter';
  return 'stop';
}

export function usageOf(u: OpenAIUsage | null | undefined): Usage {
  return { promptTokens: u?.prompt_tokens ?? 0, completionTokens: u?.completion_tokens ?? 0, cachedTokens: u?.prompt_tokens_details?.cached_tokens ?? 0 };
}

export function fromOpenAIResponse(res: OpenAIChatResponse): ChatResponse {
  const choice = res.choices?.[0];
  const msg = choice?.message;
  const content = msg === undefined || msg.content === null ? '' : typeof msg.content === 'string' ? msg.content : msg.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
  return {
    id: res.id,
    model: res.model,
    content,
    toolCalls: (msg?.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
    stopReason: stopOf(choice?.finish_reason ?? 'stop'),
    usage: usageOf(res.usage),
  };
}

// ---- reverse direction, for the gateway ----------------------------------------

function fromParts(content: OpenAIMessage['content']): string | ContentPart[] {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image', url: p.image_url.url }));
}

export function fromOpenAIRequest(req: OpenAIChatRequest): ChatRequest {
  const out: ChatRequest = {
    model: req.model,
    messages: req.messages.map((m): ChatMessage => {
      const role = m.role === 'developer' ? 'system' : m.role;
      const msg: ChatMessage = { role, content: fromParts(m.content) };
      if (m.tool_calls !== undefined) msg.toolCalls = m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
      if (m.tool_call_id !== undefined) msg.toolCallId = m.tool_call_id;
      if (m.name !== undefined) msg.name = m.name;
      return msg;
    }),
  };
  if (req.tools !== undefined) out.tools = req.tools.map((t) => ({ name: t.function.name, description: t.function.description, parameters: t.function.parameters ?? { type: 'object' } }));
  if (req.tool_choice !== undefined) out.toolChoice = typeof req.tool_choice === 'string' ? req.tool_choice : { name: req.tool_choice.function.name };
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max !== undefined) out.maxTokens = max;
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined) out.topP = req.top_p;
  if (req.stop !== undefined) out.stop = typeof req.stop === 'string' ? [req.stop] : req.stop;
  if (req.response_format !== undefined && req.response_format.type !== 'text') out.responseFormat = 'json';
  return out;
}

export function finishOf(reason: StopReason): Exclude<OpenAIFinishReason, null> {
  return reason === 'error' ? 'stop' : reason;
}

export function toOpenAIUsage(u: Usage): OpenAIUsage {
  return { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.promptTokens + u.completionTokens, prompt_tokens_details: { cached_tokens: u.cachedTokens } };
}

export function toOpenAIResponse(res: ChatResponse, created: number): OpenAIChatResponse {
  const message: OpenAIMessage = { role: 'assistant', content: res.toolCalls.length > 0 && res.content === '' ? null : res.content };
  if (res.toolCalls.length > 0) message.tool_calls = res.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  return { id: res.id, object: 'chat.completion', created, model: res.model, choices: [{ index: 0, message, finish_reason: finishOf(res.stopReason), logprobs: null }], usage: toOpenAIUsage(res.usage) };
}
