// A fake OpenAI Responses API server: POST /v1/responses answering with a
// response object, or the named-event stream (response.created,
// response.in_progress, output_item.added, content_part.added,
// output_text.delta..., function_call_arguments.delta, output_item.done,
// response.completed), and OpenAI {"error": {...}} bodies.

import { deltas, sse, startFake, toolCallOf, usageOfReply, type FakeProvider, type RecordedRequest, type Reply, type WireFormat } from './fake-server.ts';
import { openAIWire } from './fake-openai.ts';

const ID = 'resp_fake';

function lastUser(req: RecordedRequest): string {
  const input = req.body?.input;
  if (typeof input === 'string') return input;
  const items = (Array.isArray(input) ? input : []) as { type?: string; role?: string; content?: unknown }[];
  const last = [...items].reverse().find((i) => (i.type ?? 'message') === 'message' && i.role === 'user');
  if (last === undefined) return '';
  return typeof last.content === 'string' ? last.content : (last.content as { text?: string }[]).map((p) => p.text ?? '').join('');
}

function usage(reply: Reply) {
  const u = usageOfReply(reply);
  return { input_tokens: u.prompt, input_tokens_details: { cached_tokens: u.cached }, output_tokens: u.completion, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.prompt + u.completion };
}

function items(reply: Reply) {
  const tc = toolCallOf(reply);
  const message = { type: 'message', id: 'msg_fake', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: tc === undefined ? reply.text : 'Let me check.', annotations: [] }] };
  if (tc === undefined) return [message];
  // A reasoning item first, so output_index and the tool index differ.
  return [{ type: 'reasoning', id: 'rs_fake', summary: [] }, message, { type: 'function_call', id: 'fc_fake', call_id: tc.id ?? 'call_1', name: tc.name, arguments: tc.arguments, status: 'completed' }];
}

function response(reply: Reply, done: boolean) {
  return { id: ID, object: 'response', created_at: 1700000000, status: done ? 'completed' : 'in_progress', model: reply.model, output: done ? items(reply) : [], incomplete_details: null, error: null, usage: done ? usage(reply) : null };
}

export const openAIResponsesWire: WireFormat = {
  name: 'fake-openai-responses',
  isStream: (req) => req.body?.stream === true,
  model: (req) => String(req.body?.model ?? ''),
  lastUserText: lastUser,
  errorBody: openAIWire.errorBody,
  answer: (reply) => response(reply, true),
  frames(reply) {
    let seq = 0;
    const ev = (type: string, data: Record<string, unknown>): string => sse({ type, sequence_number: seq++, ...data }, type);
    const out = [ev('response.created', { response: response(reply, false) }) + ev('response.in_progress', { response: response(reply, false) })];
    const all = items(reply);
    const msgIndex = all.findIndex((i) => i.type === 'message');
    const message = all[msgIndex] as { content: { text: string }[] };
    const words = deltas(message.content[0].text);
    const open = ev('response.output_item.added', { output_index: msgIndex, item: { type: 'message', id: 'msg_fake', status: 'in_progress', role: 'assistant', content: [] } })
      + ev('response.content_part.added', { item_id: 'msg_fake', output_index: msgIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    // Frame 2 carries the first token (the fake's truncation cuts after it).
    out.push(open + ev('response.output_text.delta', { item_id: 'msg_fake', output_index: msgIndex, content_index: 0, delta: words[0] }));
    for (const w of words.slice(1)) out.push(ev('response.output_text.delta', { item_id: 'msg_fake', output_index: msgIndex, content_index: 0, delta: w }));
    out.push(ev('response.output_text.done', { item_id: 'msg_fake', output_index: msgIndex, content_index: 0, text: message.content[0].text }));
    out.push(ev('response.output_item.done', { output_index: msgIndex, item: all[msgIndex] }));
    const fcIndex = all.findIndex((i) => i.type === 'function_call');
    if (fcIndex !== -1) {
      const fc = all[fcIndex] as { arguments: string };
      const half = Math.ceil(fc.arguments.length / 2);
      out.push(ev('response.output_item.added', { output_index: fcIndex, item: { ...fc, arguments: '', status: 'in_progress' } }));
      out.push(ev('response.function_call_arguments.delta', { item_id: 'fc_fake', output_index: fcIndex, delta: fc.arguments.slice(0, half) }));
      out.push(ev('response.function_call_arguments.delta', { item_id: 'fc_fake', output_index: fcIndex, delta: fc.arguments.slice(half) }));
      out.push(ev('response.function_call_arguments.done', { item_id: 'fc_fake', output_index: fcIndex, arguments: fc.arguments }));
      out.push(ev('response.output_item.done', { output_index: fcIndex, item: fc }));
    }
    out.push(ev('response.completed', { response: response(reply, true) }));
    return out;
  },
  streamContentType: 'text/event-stream',
  malformedFrame: 'event: response.created\ndata: {"type": "response.created", "response": {\n\n',
};

export function startFakeOpenAIResponses(): Promise<FakeProvider> {
  return startFake(openAIResponsesWire);
}
