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
  /** Time a new connection has to send a whole request head (default 10 s). */
  headTimeoutMs?: number;
}

/**
 * node:http arms its own header and request timeouts only on listen(),
 * which this server never calls on it: a connection that never finishes a
 * request head is closed after this long instead. Later requests on a
 * keep-alive connection are covered by node:http's keep-alive timeout, and
 * a streamed reply may stay open and silent as long as it needs (a
 * `router serve` gateway lives as long as its connection).
 */
const HEAD_TIMEOUT_MS = 10_000;

export interface AdminServer {
  socketPath: string;
  close(): Promise<void>;
}

function statusOf(error: unknown): number {
  if (!isOctantError(error)) return 500;
  if (error.code === 'E_ADMIN_NOT_FOUND') return 404;
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
  throw new OctantError('E_ADMIN_NOT_FOUND', `admin API: no route ${method} ${pathname}`);
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
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const url = new URL(req.url ?? '/', 'http://octant');
    const method = req.method ?? 'GET';
    try {
      const { handler, path } = findHandler(options, method, url.pathname);
      const body = await readBody(req);
      const reply = await handler({ method, path, query: url.searchParams, body, signal: abort.signal });
      await send(res, reply, abort.signal);
    } catch (error) {
      const status = statusOf(error);
      if (status === 500) log.error('admin request failed', { method, path: url.pathname, error: messageOf(error) });
      const body = isOctantError(error) ? { ...error.toJSON(), exit: error.exit } : { code: 'E_ADMIN_INTERNAL', message: messageOf(error), exit: EXIT.failure };
      if (res.headersSent) res.destroy();
      else {
        // A body left unread (refused early) is not worth reading: close after the reply.
        if (!req.complete) res.setHeader('connection', 'close');
        await send(res, { status, body: { error: body } }, abort.signal);
      }
    }
  };
  // The socket is a plain net server; node:http (~10 ms to load) is loaded
  // and its parser attached on the first connection, not during boot. Every
  // connection is tracked so that close() can end idle keep-alive ones too.
  let http: ReturnType<typeof createHttpServer> | undefined;
  const connections = new Set<Socket>();
  const headTimeout = options.headTimeoutMs ?? HEAD_TIMEOUT_MS;
  const server = createNetServer((socket) => {
    connections.add(socket);
    const timer = setTimeout(() => socket.destroy(), headTimeout);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      connections.delete(socket);
    });
    http ??= createHttpServer((req, res) => {
      clearTimeout(heads.get(req.socket));
      void handle(req, res);
    });
    heads.set(socket, timer);
    http.emit('connection', socket);
  });
  /** Each connection's head timer, until its first request head is in. */
  const heads = new WeakMap<Socket, NodeJS.Timeout>();
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
