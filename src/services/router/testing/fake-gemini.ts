// A fake Gemini API: models/{m}:generateContent JSON answers,
// :streamGenerateContent?alt=sse chunks (each a whole response, the last with
// finishReason and usageMetadata), google.rpc.Status error bodies.

import { deltas, sse, startFake, toolCallOf, usageOfReply, type FakeProvider, type RecordedRequest, type Reply, type WireFormat } from './fake-server.ts';

const STATUS_NAMES: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };

function lastUser(req: RecordedRequest): string {
  const contents = (req.body?.contents ?? []) as { role: string; parts: { text?: string }[] }[];
  const last = [...contents].reverse().find((c) => c.role === 'user' && c.parts.some((p) => p.text !== undefined));
  return last?.parts.map((p) => p.text ?? '').join('') ?? '';
}

function usage(reply: Reply) {
  const u = usageOfReply(reply);
  return { promptTokenCount: u.prompt, candidatesTokenCount: u.completion, totalTokenCount: u.prompt + u.completion, cachedContentTokenCount: u.cached };
}

function response(reply: Reply, parts: unknown[], finish: boolean) {
  return {
    candidates: [{ content: { role: 'model', parts }, ...(finish ? { finishReason: 'STOP' } : {}), index: 0 }],
    ...(finish ? { usageMetadata: usage(reply) } : {}),
    modelVersion: reply.model,
    responseId: 'resp-fake',
  };
}

export const geminiWire: WireFormat = {
  name: 'fake-gemini',
  isStream: (req) => req.url.includes(':streamGenerateContent'),
  model: (req) => decodeURIComponent(/models\/([^:]+):/.exec(req.url)?.[1] ?? ''),
  lastUserText: lastUser,
  errorBody: (status, message, code) => ({
    error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN', ...(code === undefined ? {} : { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: code, domain: 'googleapis.com' }] }) },
  }),
  answer(reply) {
    const tc = toolCallOf(reply);
    return response(reply, tc === undefined ? [{ text: reply.text }] : [{ functionCall: { name: tc.name, args: JSON.parse(tc.arguments) } }], true);
  },
  frames(reply) {
    const tc = toolCallOf(reply);
    if (tc !== undefined) return [sse(response(reply, [{ functionCall: { name: tc.name, args: JSON.parse(tc.arguments) } }], true))];
    const words = deltas(reply.text);
    return words.map((w, i) => sse(response(reply, [{ text: w }], i === words.length - 1)));
  },
  streamContentType: 'text/event-stream',
  malformedFrame: 'data: {"candidates": [{"content": \n\n',
};

export function startFakeGemini(): Promise<FakeProvider> {
  return startFake(geminiWire);
}
