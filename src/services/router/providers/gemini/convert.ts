// Ours <-> Gemini. Gemini calls the assistant "model", puts the system
// prompt in systemInstruction, answers tool calls by function *name*, and
// gives calls no ids (older models), so we make them up by position.

import { textOf } from '../../accumulate.ts';
import type { ChatRequest, ChatResponse, ContentPart, StopReason, ToolCall, Usage } from '../../types.ts';
import type { GeminiContent, GeminiFinishReason, GeminiPart, GeminiRequest, GeminiResponse } from './wire.ts';

function parts(content: string | ContentPart[]): GeminiPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.map((p): GeminiPart => {
    if (p.type === 'text') return { text: p.text };
    const m = /^data:([^;,]+);base64,(.*)$/s.exec(p.url);
    return m !== null ? { inlineData: { mimeType: m[1], data: m[2] } } : { fileData: { mimeType: p.mediaType, fileUri: p.url } };
  });
}

function args(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text === '' ? '{}' : text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { _raw: text };
  }
}

export function toGeminiRequest(req: ChatRequest): GeminiRequest {
  const names = new Map<string, string>();
  const contents: GeminiContent[] = [];
  const push = (role: 'user' | 'model', p: GeminiPart[]): void => {
    const last = contents.at(-1);
    if (last !== undefined && last.role === role) last.parts.push(...p);
    else contents.push({ role, parts: p });
  };
  for (const m of req.messages) {
    if (m.role === 'system') continue;
    if (m.role === 'assistant') {
      for (const c of m.toolCalls ?? []) names.set(c.id, c.name);
      push('model', [...parts(m.content), ...(m.toolCalls ?? []).map((c): GeminiPart => ({ functionCall: { name: c.name, args: args(c.arguments) } }))]);
    } else if (m.role === 'tool') {
      const name = m.name ?? names.get(m.toolCallId ?? '') ?? 'tool';
      push('user', [{ functionResponse: { name, response: { content: textOf(m.content) } } }]);
    } else push('user', parts(m.content));
  }
  const out: GeminiRequest = { contents };
  const system = req.messages.filter((m) => m.role === 'system').map((m) => textOf(m.content)).join('\n\n');
  if (system !== '') out.systemInstruction = { parts: [{ text: system }] };
  if (req.tools !== undefined && req.tools.length > 0) out.tools = [{ functionDeclarations: req.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })) }];
  if (req.toolChoice !== undefined) {
    const c = req.toolChoice;
    out.toolConfig = { functionCallingConfig: c === 'auto' ? { mode: 'AUTO' } : c === 'none' ? { mode: 'NONE' } : c === 'required' ? { mode: 'ANY' } : { mode: 'ANY', allowedFunctionNames: [c.name] } };
  }
  const gen: NonNullable<GeminiRequest['generationConfig']> = {};
  if (req.maxTokens !== undefined) gen.maxOutputTokens = req.maxTokens;
  if (req.temperature !== undefined) gen.temperature = req.temperature;
  if (req.topP !== undefined) gen.topP = req.topP;
  if (req.stop !== undefined) gen.stopSequences = req.stop;
  if (req.responseFormat === 'json') gen.responseMimeType = 'application/json';
  if (Object.keys(gen).length > 0) out.generationConfig = gen;
  return out;
}

export function stopOf(reason: GeminiFinishReason | undefined, hasCalls: boolean): StopReason {
  if (hasCalls) return 'tool_calls';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason === 'SAFETY' || reason === 'RECITATION' || reason === 'BLOCKLIST' || reason === 'PROHIBITED_CONTENT') return 'content_filter';
  return 'stop';
}

export function usageOf(u: GeminiResponse['usageMetadata']): Usage {
  return { promptTokens: u?.promptTokenCount ?? 0, completionTokens: (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0), cachedTokens: u?.cachedContentTokenCount ?? 0 };
}

/** Text and calls of one response (or stream chunk); thought parts are not answer text. */
export function partsOf(res: GeminiResponse, callOffset: number): { text: string; calls: ToolCall[] } {
  let text = '';
  const calls: ToolCall[] = [];
  for (const p of res.candidates?.[0]?.content?.parts ?? []) {
    if ('text' in p && p.thought !== true) text += p.text;
    else if ('functionCall' in p) calls.push({ id: p.functionCall.id ?? `call_${callOffset + calls.length}`, name: p.functionCall.name, arguments: JSON.stringify(p.functionCall.args ?? {}) });
  }
  return { text, calls };
}

export function fromGeminiResponse(res: GeminiResponse, model: string): ChatResponse {
  const { text, calls } = partsOf(res, 0);
  return { id: res.responseId ?? '', model: res.modelVersion ?? model, content: text, toolCalls: calls, stopReason: stopOf(res.candidates?.[0]?.finishReason, calls.length > 0), usage: usageOf(res.usageMetadata) };
}
