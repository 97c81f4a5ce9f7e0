// The admin API: HTTP/1.1 with JSON bodies over the owner-only Unix socket
// <run>/admin.sock (socket.ts). Routes are keyed 'METHOD /path':
//   /v1/<path>            the system's own routes (status, stop)
//   /v1/<service>/<path>  routes a running service contributes (RunningService.routes)
// Errors answer {error: {code, message, hint, detail, exit}} with a status
// derived from the OctantError's exit code; the client rebuilds the same
// OctantError from the body (code and exit code both), so a command run
// through the admin API exits exactly as it would in-process.

import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { EXIT, OctantError, isOctantError, messageOf } from '../../lib/errors.ts';
import { parseJsonBody } from '../../lib/json-body.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { AdminHandler, AdminResponse, AdminRoutes } from './types.ts';
import { listenOwnerOnly } from './socket.ts';

export const API_PREFIX = '/v1';
const MAX_BODY = 1 << 20;

export interface AdminServerOptions {
  socketPath: string;
  /** The system's own routes, under /v1/. */
  routes: AdminRoutes;
  /** Routes of running services, looked up at each request. */
  serviceRoutes?: () => ReadonlyMap<string, AdminRoutes>;
  log?: Logger;
  /** Time a connection has to send a whole request head, first or next on a keep-alive connection (default 10 s). */
  headTimeoutMs?: number;
  /** Time a request has to send its whole body once its head is in (default 10 s). */
  bodyTimeoutMs?: number;
  /**
   * Why routes may be missing right now ('booting', 'stopping'), or
   * undefined when the system is up: a request for a route that is not
   * there then gets 503 (try again later) instead of 404 (no such route).
   */
  unavailable?: () => string | undefined;
}

/**
 * node:http arms its own header and request timeouts only on listen(),
 * which this server never calls on it, and its keep-alive timeout stops
 * counting at the first byte of the next request. So this server keeps its
 * own: a connection that does not finish a request head within this long
 * (from connecting, or from its previous reply on a keep-alive connection)
 * is closed, and so is one whose request body does not arrive in time
 * (answered 408 first). A streamed reply may stay open and silent as long
 * as it needs (a `router serve` gateway lives as long as its connection).
 */
const HEAD_TIMEOUT_MS = 10_000;
const BODY_TIMEOUT_MS = 10_000;

export interface AdminServer {
  socketPath: string;
  close(): Promise<void>;
}

function statusOf(error: unknown): number {
  if (!isOctantError(error)) return 500;
  if (error.code === 'E_ADMIN_NOT_FOUND') return 404;
  if (error.code === 'E_ADMIN_BODY_TIMEOUT') return 408;
  if (error.code === 'E_ADMIN_BODY_TOO_LARGE') return 413;
  if (error.exit === EXIT.usage) return 400;
  if (error.exit === EXIT.denied) return 403;
  if (error.exit === EXIT.unavailable) return 503;
  return 500;
}

function findHandler(options: AdminServerOptions, method: string, pathname: string): { handler: AdminHandler; path: string } {
  if (pathname.startsWith(`${API_PREFIX}/`)) {
    const rest = pathname.slice(API_PREFIX.length);
    const own = options.routes[`${method} ${rest}`];
    if (own !== undefined) return { handler: own, path: rest };
    const slash = rest.indexOf('/', 1);
    if (slash !== -1) {
      const service = rest.slice(1, slash);
      const sub = rest.slice(slash);
      const handler = options.serviceRoutes?.().get(service)?.[`${method} ${sub}`];
      if (handler !== undefined) return { handler, path: sub };
    }
  }
  const why = options.unavailable?.();
  if (why !== undefined) {
    throw new OctantError('E_ADMIN_UNAVAILABLE', `admin API: the system is ${why}; ${method} ${pathname} is not available now`, { exit: EXIT.unavailable, hint: 'try again once it is up' });
  }
  throw new OctantError('E_ADMIN_NOT_FOUND', `admin API: no route ${method} ${pathname}`);
}

/** `reading`, or E_ADMIN_BODY_TIMEOUT when the body takes longer than `ms`. */
function withinBodyTime<T>(reading: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new OctantError('E_ADMIN_BODY_TIMEOUT', `admin API: the request body did not arrive within ${ms} ms`, { exit: EXIT.usage })), ms);
  });
  return Promise.race([reading, late]).finally(() => clearTimeout(timer));
}

/** An oversize body: 413, so a client knows to send less rather than to fix a field. */
function tooLarge(size: string): OctantError {
  return new OctantError('E_ADMIN_BODY_TOO_LARGE', `admin API: request body of ${size} exceeds the limit of ${MAX_BODY} bytes`, { exit: EXIT.usage });
}

/**
 * The whole body, parsed strictly. An oversize body is refused without
 * destroying the request: that would destroy the socket before the 413 is
 * written. The rest of the body is left to node:http, which discards it
 * while the reply goes out, and the connection closes after the reply.
 */
function readBody(req: IncomingMessage): Promise<unknown> {
  // A declared length over the limit is refused before reading a byte.
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) return Promise.reject(tooLarge(`${req.headers['content-length']} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData).off('end', onEnd);
      reject(tooLarge(`more than ${MAX_BODY} bytes`));
    };
    const onEnd = (): void => {
      try {
        // Strict I-JSON: nesting depth, non-finite numbers, lone surrogates, UTF-8 (lib/json-body.ts).
        resolve(parseJsonBody(Buffer.concat(chunks), { code: 'E_ADMIN_BODY', label: 'admin API: request body' }));
      } catch (error) {
        reject(error);
      }
    };
    // A client that goes away mid-body ends the wait (after 'end' this rejects nothing).
    const gone = (): void => reject(new OctantError('E_ADMIN_BODY', 'admin API: the client went away before the whole body arrived', { exit: EXIT.usage }));
    req.on('data', onData).on('end', onEnd).once('error', reject).once('close', gone);
  });
}

async function send(res: ServerResponse, reply: AdminResponse, signal: AbortSignal): Promise<void> {
  if (reply.after !== undefined) res.once('finish', reply.after);
  if (reply.stream !== undefined) {
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/x-ndjson' });
    for await (const value of reply.stream) {
      if (signal.aborted) break;
      res.write(`${JSON.stringify(value)}\n`);
    }
    res.end();
    return;
  }
  const text = `${JSON.stringify(reply.body ?? null)}\n`;
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const log = options.log ?? silentLogger;
  const headTimeout = options.headTimeoutMs ?? HEAD_TIMEOUT_MS;
  const bodyTimeout = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const url = new URL(req.url ?? '/', 'http://octant');
    const method = req.method ?? 'GET';
    try {
      const { handler, path } = findHandler(options, method, url.pathname);
      const body = await withinBodyTime(readBody(req), bodyTimeout);
      const reply = await handler({ method, path, query: url.searchParams, body, signal: abort.signal });
      await send(res, reply, abort.signal);
    } catch (error) {
      const status = statusOf(error);
      if (status === 500) log.error('admin request failed', { method, path: url.pathname, error: messageOf(error) });
      const body = isOctantError(error) ? { ...error.toJSON(), exit: error.exit } : { code: 'E_ADMIN_INTERNAL', message: messageOf(error), exit: EXIT.failure };
      if (res.headersSent) res.destroy();
      else {
        // A late body (408) or one refused before it was read: the connection ends with this reply.
        if (status === 408 || !req.complete) res.setHeader('connection', 'close');
        await send(res, { status, body: { error: body } }, abort.signal);
      }
    }
  };
  // The socket is a plain net server; node:http (~10 ms to load) is loaded
  // and its parser attached on the first connection, not during boot. Every
  // connection is tracked so that close() can end idle keep-alive ones too.
  let http: ReturnType<typeof createHttpServer> | undefined;
  const connections = new Set<Socket>();
  /** Per connection: the head timer while it waits for a request head, and its requests not yet answered. */
  const waiting = new WeakMap<Socket, { timer?: NodeJS.Timeout; open: number }>();
  const awaitHead = (socket: Socket): void => {
    const state = waiting.get(socket)!;
    state.timer = setTimeout(() => socket.destroy(), headTimeout);
    state.timer.unref();
  };
  const server = createNetServer((socket) => {
    connections.add(socket);
    waiting.set(socket, { open: 0 });
    awaitHead(socket);
    socket.once('close', () => {
      clearTimeout(waiting.get(socket)?.timer);
      connections.delete(socket);
    });
    http ??= createHttpServer((req, res) => {
      // A head is in: no head timer while it is being answered; the next
      // head (keep-alive) gets its own once every answer is out.
      const state = waiting.get(req.socket)!;
      clearTimeout(state.timer);
      state.open += 1;
      res.once('close', () => {
        state.open -= 1;
        if (state.open === 0 && !req.socket.destroyed) awaitHead(req.socket);
      });
      void handle(req, res);
    });
    http.emit('connection', socket);
  });
  await listenOwnerOnly(server, options.socketPath);
  log.info('admin API listening', { socket: options.socketPath });
  return {
    socketPath: options.socketPath,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Idle keep-alive connections and open streams would hold close() forever.
      for (const socket of connections) socket.destroy();
    }),
  };
}
