// A fake Anthropic Messages server: JSON answers, the named-event SSE stream
// (message_start, content_block_*, ping, message_delta, message_stop) and
// {"type":"error","error":{...}} bodies with Anthropic's statuses (529 overloaded).

import { deltas, sse, startFake, toolCallOf, usageOfReply, type FakeProvider, type RecordedRequest, type Reply, type WireFormat } from './fake-server.ts';

const ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 503: 'overloaded_error', 529: 'overloaded_error' };

function lastUser(req: RecordedRequest): string {
  const msgs = (req.body?.messages ?? []) as { role: string; content: unknown }[];
  const last = [...msgs].reverse().find((m) => m.role === 'user');
  if (last === undefined) return '';
  return typeof last.content === 'string' ? last.content : (last.content as { type: string; text?: string }[]).map((b) => b.text ?? '').join('');
}

function usage(reply: Reply) {
  const u = usageOfReply(reply);
  return { input_tokens: u.prompt - u.cached, output_tokens: u.completion, cache_read_input_tokens: u.cached, cache_creation_input_tokens: 0 };
}

export const anthropicWire: WireFormat = {
  name: 'fake-anthropic',
  isStream: (req) => req.body?.stream === true,
  model: (req) => String(req.body?.model ?? ''),
  lastUserText: lastUser,
  errorBody: (status, message) => ({ type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } }),
  answer(reply) {
    const tc = toolCallOf(reply);
    const content = tc === undefined ? [{ type: 'text', text: reply.text }] : [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: tc.id ?? 'toolu_1', name: tc.name, input: JSON.parse(tc.arguments) }];
    return { id: 'msg_fake', type: 'message', role: 'assistant', model: reply.model, content, stop_reason: tc === undefined ? 'end_turn' : 'tool_use', stop_sequence: null, usage: usage(reply) };
  },
  frames(reply) {
    const tc = toolCallOf(reply);
    const u = usage(reply);
    const out = [sse({ type: 'message_start', message: { id: 'msg_fake', type: 'message', role: 'assistant', model: reply.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...u, output_tokens: 1 } } }, 'message_start')];
    const text = tc === undefined ? reply.text : 'Let me check.';
    const words = deltas(text);
    // Frame 2 carries the first token (the fake's truncation cuts after it).
    out.push(sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start') + sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: words[0] } }, 'content_block_delta'));
    out.push(sse({ type: 'ping' }, 'ping'));
    for (const w of words.slice(1)) out.push(sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } }, 'content_block_delta'));
    out.push(sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'));
    if (tc !== undefined) {
      const half = Math.ceil(tc.arguments.length / 2);
      out.push(sse({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: tc.id ?? 'toolu_1', name: tc.name, input: {} } }, 'content_block_start'));
      out.push(sse({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: tc.arguments.slice(0, half) } }, 'content_block_delta'));
      out.push(sse({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: tc.arguments.slice(half) } }, 'content_block_delta'));
      out.push(sse({ type: 'content_block_stop', index: 1 }, 'content_block_stop'));
    }
    out.push(sse({ type: 'message_delta', delta: { stop_reason: tc === undefined ? 'end_turn' : 'tool_use', stop_sequence: null }, usage: { output_tokens: u.output_tokens } }, 'message_delta'));
    out.push(sse({ type: 'message_stop' }, 'message_stop'));
    return out;
  },
  streamContentType: 'text/event-stream',
  malformedFrame: 'event: message_start\ndata: {"type": "message_start", "message": {\n\n',
};

export function startFakeAnthropic(): Promise<FakeProvider> {
  return startFake(anthropicWire);
}
