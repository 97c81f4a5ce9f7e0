// Ours <-> Anthropic Messages. Their shape differs from ours in three ways
// handled here: the system prompt is a top-level field, tool results are
// user-turn blocks, and max_tokens is required.

import { textOf } from '../../accumulate.ts';
import type { ChatMessage, ChatRequest, ChatResponse, ContentPart, StopReason, ToolCall, Usage } from '../../types.ts';
import type { AnthropicBlock, AnthropicMessage, AnthropicRequest, AnthropicResponse, AnthropicStopReason, AnthropicUsage } from './wire.ts';

/** Their required max_tokens when the caller gave none. */
export const DEFAULT_MAX_TOKENS = 4096;

function imageBlock(url: string, mediaType: string | undefined): AnthropicBlock {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m !== null) return { type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } };
  return { type: 'image', source: { type: 'url', url } };
}

function blocks(content: string | ContentPart[]): AnthropicBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : imageBlock(p.url, p.mediaType)));
}

function parseArgs(text: string): unknown {
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    return { _raw: text };
  }
}

export function toAnthropicRequest(req: ChatRequest, model: string, stream: boolean): AnthropicRequest {
  const system = req.messages.filter((m) => m.role === 'system').map((m) => textOf(m.content)).join('\n\n');
  const messages: AnthropicMessage[] = [];
  const push = (role: 'user' | 'assistant', content: AnthropicBlock[]): void => {
    const last = messages.at(-1);
    // Consecutive same-role turns merge: the API requires alternation.
    if (last !== undefined && last.role === role && Array.isArray(last.content)) last.content.push(...content);
    else messages.push({ role, content });
  };
  for (const m of req.messages) {
    if (m.role === 'system') continue;
    if (m.role === 'tool') push('user', [{ type: 'tool_result', tool_use_id: m.toolCallId ?? '', content: textOf(m.content) }]);
    else if (m.role === 'assistant') push('assistant', [...blocks(m.content), ...(m.toolCalls ?? []).map((c): AnthropicBlock => ({ type: 'tool_use', id: c.id, name: c.name, input: parseArgs(c.arguments) }))]);
    else push('user', blocks(m.content));
  }
  const out: AnthropicRequest = { model, max_tokens: req.maxTokens ?? DEFAULT_MAX_TOKENS, messages };
  if (system !== '') out.system = system;
  if (req.tools !== undefined && req.tools.length > 0) out.tools = req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }));
  if (req.toolChoice !== undefined) {
    const c = req.toolChoice;
    out.tool_choice = c === 'auto' ? { type: 'auto' } : c === 'none' ? { type: 'none' } : c === 'required' ? { type: 'any' } : { type: 'tool', name: c.name };
  }
  if (req.stop !== undefined) out.stop_sequences = req.stop;
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.topP !== undefined) out.top_p = req.topP;
  if (stream) out.stream = true;
  return out;
}

export function stopOf(reason: AnthropicStopReason): StopReason {
  if (reason === 'max_tokens') return 'length';
  if (reason === 'tool_use') return 'tool_calls';
  if (reason === 'refusal') return 'content_filter';
  return 'stop';
}

/** Their input_tokens excludes cache reads and writes; our prompt count includes them. */
export function usageOf(u: Partial<AnthropicUsage> | undefined): Usage {
  const cached = u?.cache_read_input_tokens ?? 0;
  return { promptTokens: (u?.input_tokens ?? 0) + cached + (u?.cache_creation_input_tokens ?? 0), completionTokens: u?.output_tokens ?? 0, cachedTokens: cached };
}

export function fromAnthropicResponse(res: AnthropicResponse): ChatResponse {
  const toolCalls: ToolCall[] = [];
  let content = '';
  for (const b of res.content ?? []) {
    if (b.type === 'text') content += b.text;
    else if (b.type === 'tool_use') toolCalls.push({ id: b.id, name: b.name, arguments: JSON.stringify(b.input ?? {}) });
  }
  return { id: res.id, model: res.model, content, toolCalls, stopReason: stopOf(res.stop_reason), usage: usageOf(res.usage) };
}

// ---- reverse direction, for the gateway's /v1/messages ------------------------

function fromBlocks(content: string | AnthropicBlock[]): ContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: ContentPart[] = [];
  for (const b of content) {
    if (b.type === 'text') parts.push({ type: 'text', text: b.text });
    else if (b.type === 'image') parts.push(b.source.type === 'url' ? { type: 'image', url: b.source.url } : { type: 'image', url: `data:${b.source.media_type};base64,${b.source.data}`, mediaType: b.source.media_type });
  }
  return parts;
}

export function fromAnthropicRequest(req: AnthropicRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (req.system !== undefined) messages.push({ role: 'system', content: typeof req.system === 'string' ? req.system : req.system.map((b) => b.text).join('\n\n') });
  for (const m of req.messages) {
    const list = typeof m.content === 'string' ? [] : m.content;
    for (const r of list) if (r.type === 'tool_result') messages.push({ role: 'tool', toolCallId: r.tool_use_id, content: typeof r.content === 'string' ? r.content : (r.content ?? []).map((t) => t.text).join('') });
    const parts = fromBlocks(typeof m.content === 'string' ? m.content : m.content.filter((b) => b.type !== 'tool_result'));
    const calls = list.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, arguments: JSON.stringify(b.input ?? {}) }));
    if (parts.length === 0 && calls.length === 0) continue;
    const msg: ChatMessage = { role: m.role, content: parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('') : parts };
    if (calls.length > 0) msg.toolCalls = calls;
    messages.push(msg);
  }
  const out: ChatRequest = { model: req.model, messages, maxTokens: req.max_tokens };
  if (req.tools !== undefined) out.tools = req.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.input_schema }));
  if (req.tool_choice !== undefined) {
    const c = req.tool_choice;
    out.toolChoice = c.type === 'tool' ? { name: c.name } : c.type === 'any' ? 'required' : c.type;
  }
  if (req.stop_sequences !== undefined) out.stop = req.stop_sequences;
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined) out.topP = req.top_p;
  return out;
}

export function toAnthropicStop(reason: StopReason): AnthropicStopReason {
  return reason === 'length' ? 'max_tokens' : reason === 'tool_calls' ? 'tool_use' : reason === 'content_filter' ? 'refusal' : 'end_turn';
}

export function toAnthropicUsage(u: Usage): AnthropicUsage {
  return { input_tokens: u.promptTokens - u.cachedTokens, output_tokens: u.completionTokens, cache_read_input_tokens: u.cachedTokens, cache_creation_input_tokens: 0 };
}

export function toAnthropicResponse(res: ChatResponse): AnthropicResponse {
  const content: AnthropicBlock[] = res.content === '' ? [] : [{ type: 'text', text: res.content }];
  for (const c of res.toolCalls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: parseArgs(c.arguments) });
  return { id: res.id, type: 'message', role: 'assistant', model: res.model, content, stop_reason: toAnthropicStop(res.stopReason), stop_sequence: null, usage: toAnthropicUsage(res.usage) };
}
