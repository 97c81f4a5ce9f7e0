// The shared part of the fake providers: a real HTTP server on 127.0.0.1
// (port 0) that records every request and answers from a script, so tests
// can make a provider fail in each way the router must survive.
// Each fake-<provider>.ts supplies the wire format.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ToolCallStep {
  id?: string;
  name: string;
  arguments: string;
}

// In a step's text, message and tool-call arguments, `$KEY` stands for the
// credential the request carried: a careless upstream echoing the key back.
export type Step =
  /** A good answer. Text defaults to "echo: <last user text>"; `cuts` are offsets in the text (after `$KEY` is put in) where stream deltas split it (default: after each space). */
  | { kind: 'ok'; text?: string; cuts?: number[]; toolCall?: ToolCallStep; headers?: Record<string, string>; promptTokens?: number; completionTokens?: number; cachedTokens?: number }
  /** The provider's error body for this status. */
  | { kind: 'error'; status: number; message?: string; retryAfter?: string; code?: string }
  /** Accept the request and never answer. */
  | { kind: 'hang' }
  /** A 200 whose body (or first stream event) is not JSON. */
  | { kind: 'malformed' }
  /** Stream: send the first token, then drop the connection. */
  | { kind: 'truncate'; text?: string; cuts?: number[] };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

export interface Reply {
  step: Extract<Step, { kind: 'ok' } | { kind: 'truncate' }>;
  text: string;
  /** The text as stream deltas, where the step's cuts split it (else deltas(text)). */
  deltas?: string[];
  model: string;
}

export interface WireFormat {
  name: string;
  /** Whether this request asked for a stream. */
  isStream(req: RecordedRequest): boolean;
  model(req: RecordedRequest): string;
  /** The last user message's text, for the default echo answer. */
  lastUserText(req: RecordedRequest): string;
  errorBody(status: number, message: string, code: string | undefined): unknown;
  /** A non-streamed answer body. */
  answer(reply: Reply, req: RecordedRequest): unknown;
  /** Stream frames (already framed: SSE or NDJSON) for an answer; the first carries the first token. */
  frames(reply: Reply, req: RecordedRequest): string[];
  streamContentType: string;
  /** A malformed frame in this format. */
  malformedFrame: string;
  /** Extra routes (models, embeddings); return true when handled. */
  extra?(req: RecordedRequest, res: http.ServerResponse): boolean;
}

export interface FakeProvider {
  name: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  requests: RecordedRequest[];
  /** Queue steps for the next requests; when empty, answers `ok`. */
  script(...steps: Step[]): void;
  /** Connections open to the fake right now (a client's pool, seen from the server). */
  connections(): Promise<number>;
  close(): Promise<void>;
}

export async function startFake(format: WireFormat): Promise<FakeProvider> {
  const queue: Step[] = [];
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      if (format.extra?.(recorded, res)) return;
      respond(format, queue.shift() ?? { kind: 'ok' }, recorded, res);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name: format.name,
    origin: `http://127.0.0.1:${port}`,
    requests,
    script: (...steps) => void queue.push(...steps),
    connections: () => new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n)))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The credential a request carried (Bearer, x-api-key or x-goog-api-key), for `$KEY`. */
function credentialOf(req: RecordedRequest): string {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && / /.test(auth)) return auth.slice(auth.indexOf(' ') + 1);
  const key = req.headers['x-api-key'] ?? req.headers['x-goog-api-key'];
  return typeof key === 'string' ? key : '';
}

function respond(format: WireFormat, scripted: Step, req: RecordedRequest, res: http.ServerResponse): void {
  if (scripted.kind === 'hang') return;
  const echo = (s: string): string => s.replaceAll('$KEY', credentialOf(req));
  if (scripted.kind === 'error') {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (scripted.retryAfter !== undefined) headers['retry-after'] = scripted.retryAfter;
    res.writeHead(scripted.status, headers).end(JSON.stringify(format.errorBody(scripted.status, echo(scripted.message ?? `scripted ${scripted.status}`), scripted.code)));
    return;
  }
  const step: Step = scripted.kind === 'ok' && scripted.toolCall !== undefined ? { ...scripted, toolCall: { ...scripted.toolCall, arguments: echo(scripted.toolCall.arguments) } } : scripted;
  const stream = format.isStream(req);
  if (step.kind === 'malformed') {
    res.writeHead(200, { 'content-type': stream ? format.streamContentType : 'application/json' }).end(stream ? format.malformedFrame : '{"id": "x", "choices": [');
    return;
  }
  const text = echo(step.text ?? `echo: ${format.lastUserText(req)}`);
  const cuts = step.cuts === undefined ? undefined : [0, ...step.cuts, text.length];
  const reply: Reply = { step, text, deltas: cuts?.slice(1).map((c, i) => text.slice(cuts[i], c)), model: format.model(req) };
  const headers = { ...(step.kind === 'ok' ? step.headers : {}) };
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(format.answer(reply, req)));
    return;
  }
  res.writeHead(200, { 'content-type': format.streamContentType, 'cache-control': 'no-cache', ...headers });
  const frames = format.frames(reply, req);
  if (step.kind === 'truncate') {
    // Up to and including the first token, then a dropped connection.
    res.write(frames.slice(0, 2).join(''));
    setImmediate(() => res.destroy());
    return;
  }
  res.end(frames.join(''));
}

/** Split a text into a few deltas so streams have several token events. */
export function deltas(text: string): string[] {
  const words = text.split(/(?<= )/);
  return words.length > 0 ? words : [''];
}

export function sse(data: unknown, event?: string): string {
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/** Scripted token counts of a reply (defaults 12 prompt, 5 completion, 0 cached). */
export function usageOfReply(reply: Reply): { prompt: number; completion: number; cached: number } {
  const s = reply.step.kind === 'ok' ? reply.step : undefined;
  return { prompt: s?.promptTokens ?? 12, completion: s?.completionTokens ?? 5, cached: s?.cachedTokens ?? 0 };
}

/** The tool call a reply scripts, if any. */
export function toolCallOf(reply: Reply): ToolCallStep | undefined {
  return reply.step.kind === 'ok' ? reply.step.toolCall : undefined;
}
