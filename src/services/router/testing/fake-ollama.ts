// A fake Ollama server: /api/chat JSON or NDJSON stream (one object per
// line, the last with done: true and the token counts), /api/embed, and
// {"error": "..."} bodies.

import { deltas, startFake, toolCallOf, usageOfReply, type FakeProvider, type RecordedRequest, type Reply, type WireFormat } from './fake-server.ts';

const CREATED = '2024-01-01T00:00:00Z';

function lastUser(req: RecordedRequest): string {
  const msgs = (req.body?.messages ?? []) as { role: string; content: string }[];
  return [...msgs].reverse().find((m) => m.role === 'user')?.content ?? '';
}

function final(reply: Reply) {
  const u = usageOfReply(reply);
  return { done: true, done_reason: 'stop', total_duration: 1000, prompt_eval_count: u.prompt, eval_count: u.completion };
}

export const ollamaWire: WireFormat = {
  name: 'fake-ollama',
  // Ollama streams unless told not to.
  isStream: (req) => req.body?.stream !== false,
  model: (req) => String(req.body?.model ?? ''),
  lastUserText: lastUser,
  errorBody: (_status, message) => ({ error: message }),
  answer(reply) {
    const tc = toolCallOf(reply);
    const message = tc === undefined ? { role: 'assistant', content: reply.text } : { role: 'assistant', content: '', tool_calls: [{ function: { name: tc.name, arguments: JSON.parse(tc.arguments) } }] };
    return { model: reply.model, created_at: CREATED, message, ...final(reply) };
  },
  frames(reply) {
    const line = (v: unknown): string => `${JSON.stringify(v)}\n`;
    const tc = toolCallOf(reply);
    const out = tc === undefined
      ? deltas(reply.text).map((d) => line({ model: reply.model, created_at: CREATED, message: { role: 'assistant', content: d }, done: false }))
      : [line({ model: reply.model, created_at: CREATED, message: { role: 'assistant', content: '', tool_calls: [{ function: { name: tc.name, arguments: JSON.parse(tc.arguments) } }] }, done: false })];
    out.push(line({ model: reply.model, created_at: CREATED, message: { role: 'assistant', content: '' }, ...final(reply) }));
    return out;
  },
  streamContentType: 'application/x-ndjson',
  malformedFrame: '{"model": "m", "message": {\n',
  extra(req, res) {
    if (req.url !== '/api/embed') return false;
    const input: string[] = typeof req.body.input === 'string' ? [req.body.input] : req.body.input;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ model: req.body.model, embeddings: input.map((s) => [s.length, 0.5]), prompt_eval_count: input.length }));
    return true;
  },
};

export function startFakeOllama(): Promise<FakeProvider> {
  return startFake(ollamaWire);
}
