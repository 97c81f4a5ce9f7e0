// Serving an app (route groups + limits + one surface's naming) on
// connections an adapter (listen.ts, runtime/admin/socket.ts) accepts.
//
// Connections come from a plain net or tls server; node:http's parser is
// attached to each (its server is created with the first connection, not at
// boot) and never listens itself. node:http arms its own header and request
// timeouts only on listen(), and its keep-alive timeout stops counting at the
// first byte of the next request, so the host keeps its own: a connection
// that does not finish a request head within the head time (from
// connecting, or from its previous reply on a keep-alive connection) is
// closed, and a body that does not arrive in time is answered 408 (body.ts).
// A reply may take as long as it needs and a stream may stay open and
// silent (a `router serve` gateway lives as long as its connection).

import { createServer, type IncomingMessage, type Server as NodeHttpServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { validate } from '../schema.ts';
import { DEFAULT_LIMITS, readBody, type HttpLimits } from './body.ts';
import { errorResponse, refusal, statusOf, type Surface } from './errors.ts';
import { findRoute } from './match.ts';
import { Reply, json, type BodySpec, type ErrorShape, type RouteGroup, type SseEvent } from './route.ts';

export interface HttpApp<C = unknown> {
  surface: Surface;
  /** The route groups, asked at each request (a service's routes come and go with it). */
  groups(): Iterable<RouteGroup<C>>;
  limits?: Partial<HttpLimits>;
  /** Why routes may be missing now ('booting'): a request that finds none gets 503, not 404. */
  unavailable?: () => string | undefined;
  /** Runs first for every request (per-client caps, a token): throw an OctantError to refuse. */
  admit?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Per connection: false refuses it (closed at once); `release` runs when an admitted one closes. */
  connections?: { admit(socket: Socket): boolean; release(socket: Socket): void };
  /** How errors read when no group says otherwise; default {error: {code, message, hint, detail, exit}}. */
  errors?: ErrorShape;
  /** Told of every 500 (a bug or a failed dependency, not the client's fault). */
  onInternalError?: (error: unknown, method: string, path: string) => void;
}

export interface HttpHost {
  /** Serve HTTP on a connection an adapter accepted. */
  accept(socket: Socket): void;
  /** End every connection (idle keep-alive ones and open streams too). */
  closeConnections(): void;
}

function checkBody(spec: BodySpec<unknown> | undefined, raw: unknown, surface: Surface): unknown {
  if (spec === undefined) return raw;
  if (typeof spec === 'function') return spec(raw);
  return validate(spec, raw, '', (path, message) => {
    throw refusal(surface, 'BODY', `request body: ${path === '' ? '(top level)' : path}: ${message}`, { detail: { field: path } });
  });
}

function sseFrame(e: SseEvent): string {
  return `${e.event === undefined ? '' : `event: ${e.event}\n`}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`;
}

/** What sse() streams (route.ts types it; anything else is sent as the data of an unnamed event). */
function isSseEvent(value: unknown): value is SseEvent {
  return typeof value === 'object' && value !== null && 'data' in value && (!('event' in value) || typeof value.event === 'string');
}

const ndjsonFrame = (value: unknown): string => `${JSON.stringify(value)}\n`;

function headArray(base: string[], extra: Readonly<Record<string, string>>): string[] {
  for (const [name, value] of Object.entries(extra)) base.push(name, value);
  return base;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>>): void {
  // RFC 9110 §15.3.5: a 204 has no content.
  if (status === 204) {
    res.writeHead(status, headArray([], headers)).end();
    return;
  }
  const text = `${JSON.stringify(body ?? null)}\n`;
  // Flat [name, value, ...] headers: written as given, without building a header map.
  res.writeHead(status, headArray(['content-type', 'application/json', 'content-length', String(Buffer.byteLength(text))], headers)).end(text);
}

/**
 * A streamed reply. The first item is awaited before the head is written, so
 * a failure before it keeps its own status; a failure after it can only be
 * told inside the stream (an SSE error event in the surface's shape) or by
 * cutting the connection (NDJSON).
 */
async function sendStream(res: ServerResponse, reply: Reply, signal: AbortSignal, onMidStreamError: (error: unknown) => void): Promise<void> {
  const items = reply.stream![Symbol.asyncIterator]();
  const first = await items.next();
  const sse = reply.kind === 'sse';
  const frame = sse ? (v: unknown): string => sseFrame(isSseEvent(v) ? v : { data: v }) : ndjsonFrame;
  res.writeHead(reply.status, headArray(sse ? ['content-type', 'text/event-stream', 'cache-control', 'no-cache'] : ['content-type', 'application/x-ndjson'], reply.headers));
  try {
    for (let next = first; !next.done; next = await items.next()) {
      if (signal.aborted) break;
      res.write(frame(next.value));
    }
  } catch (error) {
    onMidStreamError(error);
    return;
  } finally {
    // A client gone mid-stream: let the producer's own cleanup run (finally blocks).
    if (signal.aborted) await items.return?.();
  }
  res.end();
}

export function createHttpHost<C>(app: HttpApp<C>): HttpHost {
  const limits: HttpLimits = { ...DEFAULT_LIMITS, ...app.limits };
  const { surface } = app;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    let shape = app.errors;
    const fail = (error: unknown): void => {
      const reply = errorResponse(error, surface, shape);
      if (reply.status >= 500 && statusOf(error, surface, shape) === 500) app.onInternalError?.(error, method, pathname);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A late or oversize body, or one refused before it was read: the connection ends with this reply.
      if (reply.status === 408 || reply.status === 413 || !req.complete) reply.headers.connection = 'close';
      sendJson(res, reply.status, reply.body, reply.headers);
    };
    try {
      app.admit?.(req, res);
      const match = findRoute(app.groups(), method, pathname);
      if (match === undefined) {
        const why = app.unavailable?.();
        if (why !== undefined) throw refusal(surface, 'UNAVAILABLE', `the system is ${why}; ${method} ${pathname} is not available now`, { hint: 'try again once it is up' });
        throw refusal(surface, 'NOT_FOUND', `no route ${method} ${pathname}`);
      }
      shape = match.group.errors ?? app.errors;
      const context = match.group.context === undefined ? undefined : await match.group.context({ method, path: match.path, headers: req.headers });
      const body = checkBody(match.route.body, await readBody(req, limits, surface), surface);
      const result = await match.route.handler({
        method,
        path: match.path,
        params: match.params,
        query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
        headers: req.headers,
        body,
        // The group's context function produced it (C); a group without one has none.
        context: context as C,
        signal: abort.signal,
      });
      const reply = result instanceof Reply ? result : json(result);
      if (reply.after !== undefined) res.once('finish', reply.after);
      if (reply.kind === 'json') sendJson(res, reply.status, reply.body, reply.headers);
      else {
        const streamShape = shape;
        await sendStream(res, reply, abort.signal, (error) => {
          if (reply.kind === 'sse' && streamShape !== undefined) {
            // Mid-stream: the only way left to tell the client is an error event.
            res.end(sseFrame({ event: streamShape.sseEvent, data: errorResponse(error, surface, streamShape).body }));
          } else {
            // What was sent reaches the client, then the connection ends without
            // the stream's last chunk: the client sees the reply cut short. (After
            // node:http's own uncork on the next tick, or the corked writes are lost.)
            setImmediate(() => res.socket?.end());
          }
        });
      }
    } catch (error) {
      fail(error);
    }
  };

  let http: NodeHttpServer | undefined;
  const connections = new Set<Socket>();
  /** Per connection: the head timer while it waits for a request head, and its requests not yet answered. */
  const waiting = new WeakMap<Socket, { timer?: NodeJS.Timeout; open: number }>();
  const awaitHead = (socket: Socket): void => {
    const state = waiting.get(socket)!;
    state.timer = setTimeout(() => socket.destroy(), limits.headTimeoutMs);
    state.timer.unref();
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // A head is in: no head timer while it is answered; the next head
    // (keep-alive) gets its own once every answer is out.
    const state = waiting.get(req.socket);
    if (state !== undefined) {
      clearTimeout(state.timer);
      state.open += 1;
      res.once('close', () => {
        state.open -= 1;
        if (state.open === 0 && !req.socket.destroyed) awaitHead(req.socket);
      });
    }
    void handle(req, res);
  };
  return {
    accept(socket) {
      if (app.connections !== undefined && !app.connections.admit(socket)) {
        socket.destroy();
        return;
      }
      connections.add(socket);
      waiting.set(socket, { open: 0 });
      awaitHead(socket);
      socket.once('close', () => {
        clearTimeout(waiting.get(socket)?.timer);
        connections.delete(socket);
        app.connections?.release(socket);
      });
      if (http === undefined) {
        http = createServer(onRequest);
        // Idle keep-alive connections are the head timer's to close, not node's shorter default.
        http.keepAliveTimeout = limits.headTimeoutMs;
      }
      http.emit('connection', socket);
    },
    closeConnections() {
      for (const socket of connections) socket.destroy();
    },
  };
}
