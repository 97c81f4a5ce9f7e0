// Ours <-> Ollama /api/chat. Ollama takes images as bare base64 beside the
// text, tool arguments as objects, and names the tool on tool turns.

import { textOf } from '../../accumulate.ts';
import type { ChatRequest, ChatResponse, ToolCall } from '../../types.ts';
import type { OllamaChatRequest, OllamaChatResponse, OllamaMessage } from './wire.ts';

function args(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text === '' ? '{}' : text) as Record<string, unknown>;
  } catch {
    return { _raw: text };
  }
}

export function toOllamaRequest(req: ChatRequest, model: string, stream: boolean): OllamaChatRequest {
  const names = new Map<string, string>();
  const messages = req.messages.map((m): OllamaMessage => {
    const out: OllamaMessage = { role: m.role, content: textOf(m.content) };
    if (typeof m.content !== 'string') {
      const images = m.content.flatMap((p) => (p.type === 'image' ? [p.url.replace(/^data:[^;,]+;base64,/, '')] : []));
      if (images.length > 0) out.images = images;
    }
    if (m.toolCalls !== undefined && m.toolCalls.length > 0) {
      for (const c of m.toolCalls) names.set(c.id, c.name);
      out.tool_calls = m.toolCalls.map((c) => ({ function: { name: c.name, arguments: args(c.arguments) } }));
    }
    if (m.role === 'tool') out.tool_name = m.name ?? names.get(m.toolCallId ?? '');
    return out;
  });
  const out: OllamaChatRequest = { model, messages, stream };
  if (req.tools !== undefined && req.tools.length > 0) out.tools = req.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  if (req.responseFormat === 'json') out.format = 'json';
  const options: NonNullable<OllamaChatRequest['options']> = {};
  if (req.maxTokens !== undefined) options.num_predict = req.maxTokens;
  if (req.temperature !== undefined) options.temperature = req.temperature;
  if (req.topP !== undefined) options.top_p = req.topP;
  if (req.stop !== undefined) options.stop = req.stop;
  if (Object.keys(options).length > 0) out.options = options;
  return out;
}

export function callsOf(msg: OllamaMessage | undefined, offset: number): ToolCall[] {
  return (msg?.tool_calls ?? []).map((c, i) => ({ id: `call_${offset + i}`, name: c.function.name, arguments: JSON.stringify(c.function.arguments ?? {}) }));
}

export function fromOllamaResponse(res: OllamaChatResponse): ChatResponse {
  const toolCalls = callsOf(res.message, 0);
  return {
    id: `ollama-${res.created_at}`,
    model: res.model,
    content: res.message?.content ?? '',
    toolCalls,
    stopReason: toolCalls.length > 0 ? 'tool_calls' : res.done_reason === 'length' ? 'length' : 'stop',
    usage: { promptTokens: res.prompt_eval_count ?? 0, completionTokens: res.eval_count ?? 0, cachedTokens: 0 },
  };
}
