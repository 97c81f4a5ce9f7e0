// A fake OpenAI Chat Completions server (also the OpenAI-compatible presets):
// JSON answers, SSE chunks ending in `data: [DONE]`, {"error": {...}} bodies.

import { deltas, sse, usageOfReply, startFake, type FakeProvider, type RecordedRequest, type Reply, type WireFormat } from './fake-server.ts';

function lastUser(req: RecordedRequest): string {
  const msgs = (req.body?.messages ?? []) as { role: string; content: unknown }[];
  const last = [...msgs].reverse().find((m) => m.role === 'user');
  if (last === undefined) return '';
  return typeof last.content === 'string' ? last.content : (last.content as { type: string; text?: string }[]).map((p) => p.text ?? '').join('');
}

function usage(reply: Reply) {
  const u = usageOfReply(reply);
  return { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.prompt + u.completion, prompt_tokens_details: { cached_tokens: u.cached } };
}

const ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'invalid_request_error', 429: 'rate_limit_exceeded', 500: 'server_error', 503: 'server_error' };

export const openAIWire: WireFormat = {
  name: 'fake-openai',
  isStream: (req) => req.body?.stream === true,
  model: (req) => String(req.body?.model ?? ''),
  lastUserText: lastUser,
  errorBody: (status, message, code) => ({ error: { message, type: ERROR_TYPES[status] ?? 'api_error', param: null, code: code ?? null } }),
  answer(reply) {
    const tc = reply.step.kind === 'ok' ? reply.step.toolCall : undefined;
    const message = tc === undefined
      ? { role: 'assistant', content: reply.text, refusal: null }
      : { role: 'assistant', content: null, tool_calls: [{ id: tc.id ?? 'call_1', type: 'function', function: { name: tc.name, arguments: tc.arguments } }] };
    return { id: 'chatcmpl-fake', object: 'chat.completion', created: 1700000000, model: reply.model, choices: [{ index: 0, message, logprobs: null, finish_reason: tc === undefined ? 'stop' : 'tool_calls' }], usage: usage(reply), system_fingerprint: 'fp_fake' };
  },
  frames(reply, req) {
    const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1700000000, model: reply.model, system_fingerprint: 'fp_fake' };
    const tc = reply.step.kind === 'ok' ? reply.step.toolCall : undefined;
    const out = [sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })];
    if (tc !== undefined) {
      const half = Math.ceil(tc.arguments.length / 2);
      out.push(sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: tc.id ?? 'call_1', type: 'function', function: { name: tc.name, arguments: tc.arguments.slice(0, half) } }] }, finish_reason: null }] }));
      out.push(sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: tc.arguments.slice(half) } }] }, finish_reason: null }] }));
    } else {
      for (const d of reply.deltas ?? deltas(reply.text)) out.push(sse({ ...base, choices: [{ index: 0, delta: { content: d }, finish_reason: null }] }));
    }
    out.push(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: tc === undefined ? 'stop' : 'tool_calls' }] }));
    if (req.body?.stream_options?.include_usage) out.push(sse({ ...base, choices: [], usage: usage(reply) }));
    out.push(sse('[DONE]'));
    return out;
  },
  streamContentType: 'text/event-stream',
  malformedFrame: 'data: {"id": "chatcmpl-fake", "choices": [\n\n',
  extra(req, res) {
    if (req.url.endsWith('/embeddings')) {
      const input: string[] = typeof req.body.input === 'string' ? [req.body.input] : req.body.input;
      // A deterministic vector per input: its length and char-code sum.
      const data = input.map((s, index) => ({ object: 'embedding', index, embedding: [s.length, [...s].reduce((a, c) => a + c.charCodeAt(0), 0) / 1000, 1] }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model: req.body.model, usage: { prompt_tokens: input.length * 3, total_tokens: input.length * 3 } }));
      return true;
    }
    return false;
  },
};

export function startFakeOpenAI(): Promise<FakeProvider> {
  return startFake(openAIWire);
}
