// The gateway an agent talks through: one HTTP server per agent on a Unix
// socket that is bound into that agent's sandbox. The socket itself names the
// agent (no agent can reach another's), and every request must also carry
// the agent's token (Authorization: Bearer, or x-api-key as SDKs send it).
//
//   GET  /octant/v1/tools            the tools this agent may call (for the model)
//   POST /octant/v1/tools/<name>     call a tool through the mediator
//   POST /octant/v1/log              the agent loop's transcript lines
//   *    /v1/...                     the LLM gateway (OpenAI/Anthropic-compatible), when mounted

import { createHash, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import type { AgentSession } from '../tools/tool.ts';
import type { Mediator } from './mediator.ts';
import { toolSpecs } from './tool-specs.ts';
import { parseJsonBody } from '../../lib/json-body.ts';
import { ByteRate, DEFAULT_GATEWAY_LIMITS, DescriptorBudget, type GatewayLimits, type LimitKind } from './limits.ts';

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface GatewayOptions {
  socketPath: string;
  session: AgentSession;
  token: string;
  mediator: Mediator;
  /** The LLM gateway for /v1/* (router); absent means 404 there. */
  llm?: HttpHandler;
  /** Transcript sink for the loop's own record of the conversation. */
  transcript?: (line: Record<string, unknown>) => void | Promise<void>;
  /** Per-agent limits (limits.ts); default DEFAULT_GATEWAY_LIMITS. */
  limits?: Partial<GatewayLimits>;
  /** The descriptors all gateways share (one per daemon); default: a budget of this gateway's own. */
  descriptors?: DescriptorBudget;
  /** Told of each limit hit (the ledger, throttled: limitRecorder). */
  onLimit?: (kind: LimitKind, detail: Record<string, unknown>) => void;
}

export interface Gateway {
  socketPath: string;
  close(): Promise<void>;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time token check (hashes first, so lengths never leak). */
export function tokenMatches(presented: string | undefined, expectedHash: Buffer): boolean {
  return presented !== undefined && timingSafeEqual(sha256(presented), expectedHash);
}

export function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const key = req.headers['x-api-key'];
  return typeof key === 'string' ? key : undefined;
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error(`request body over ${limit} bytes`), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  // Strict I-JSON (lib/json-body.ts): what an agent sends is parsed in linear
  // time and never reaches a tool or the ledger with nesting thousands deep,
  // a non-finite number, a lone surrogate or a member named twice.
  try {
    return parseJsonBody(Buffer.concat(chunks), { code: 'E_GATEWAY_BODY', label: 'request body' });
  } catch (error) {
    throw Object.assign(new Error((error as Error).message), { status: 400, code: 'E_GATEWAY_BODY' });
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A refusal for a limit: 413 for size, 429 (with Retry-After) for rates; the connection closes after a 413 body it did not read. */
function refuseLimit(res: ServerResponse, status: 413 | 429, code: string, message: string, retryAfterMs = 1000): void {
  const headers: Record<string, string> = status === 429 ? { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } : { connection: 'close' };
  send(res, status, { error: { code, message } }, headers);
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const tokenHash = sha256(options.token);
  const limits: GatewayLimits = { ...DEFAULT_GATEWAY_LIMITS, ...options.limits };
  const limit = limits.maxBodyBytes;
  const descriptors = options.descriptors ?? new DescriptorBudget();
  const rate = new ByteRate(limits.bytesPerSecond);
  const onLimit = options.onLimit ?? ((): void => {});
  const inflight = new Set<AbortController>();
  let connections = 0;
  let requests = 0;

  const server: Server = createServer((req, res) => {
    // Concurrency: requests in flight, counted until the reply is done.
    if (requests >= limits.maxInFlight) {
      onLimit('in-flight', { limit: limits.maxInFlight });
      refuseLimit(res, 429, 'E_GATEWAY_LIMIT_IN_FLIGHT', `this agent already has ${limits.maxInFlight} requests in flight`);
      req.resume();
      return;
    }
    requests += 1;
    res.once('close', () => { requests -= 1; });
    // Size and throughput, from what the request declares; readJson enforces
    // the size again on what actually arrives (chunked bodies declare nothing).
    const declared = Number(req.headers['content-length'] ?? 0);
    // Model requests (/v1/*) are sized by the router itself, with the same
    // cap, so the client gets the 413 in its API's own shape.
    const modelRequest = (req.url ?? '').startsWith('/v1/') && options.llm !== undefined;
    if (!modelRequest && Number.isFinite(declared) && declared > limit) {
      onLimit('body-bytes', { limit, declared });
      refuseLimit(res, 413, 'E_GATEWAY_LIMIT_BODY', `request body of ${declared} bytes is over this agent's ${limit}`);
      return;
    }
    // A body over the cap is refused without being taken in: it counts as the cap.
    if (!rate.take(Number.isFinite(declared) ? Math.min(declared, limit) : 0)) {
      onLimit('bytes-per-second', { limit: limits.bytesPerSecond });
      refuseLimit(res, 429, 'E_GATEWAY_LIMIT_RATE', `this agent sent over ${limits.bytesPerSecond} bytes in the last second`, rate.retryAfterMs());
      req.resume();
      return;
    }
    void (async () => {
      if (!tokenMatches(presentedToken(req), tokenHash)) {
        send(res, 401, { error: { code: 'E_GATEWAY_TOKEN', message: 'missing or wrong agent token' } });
        return;
      }
      const url = new URL(req.url ?? '/', 'http://gateway');
      if (url.pathname.startsWith('/v1/')) {
        if (options.llm === undefined) send(res, 404, { error: { code: 'E_GATEWAY_NO_LLM', message: 'no LLM gateway is configured for this agent' } });
        else await options.llm(req, res);
        return;
      }
      if (req.method === 'GET' && url.pathname === '/octant/v1/tools') {
        send(res, 200, { tools: toolSpecs(options.mediator.tools) });
        return;
      }
      if (req.method === 'POST' && url.pathname === '/octant/v1/log') {
        const body = await readJson(req, limit);
        await options.transcript?.(body as Record<string, unknown>);
        send(res, 204, {});
        return;
      }
      const match = /^\/octant\/v1\/tools\/([a-z][a-z0-9_.-]{0,63})$/.exec(url.pathname);
      if (req.method === 'POST' && match) {
        const controller = new AbortController();
        inflight.add(controller);
        res.on('close', () => { if (!res.writableFinished) controller.abort(); });
        try {
          const args = await readJson(req, limit);
          const reply = await options.mediator.mediate(options.session, match[1].replaceAll('_', '.'), args, controller.signal);
          send(res, 200, reply);
        } finally {
          inflight.delete(controller);
        }
        return;
      }
      send(res, 404, { error: { code: 'E_GATEWAY_ROUTE', message: `no route ${req.method} ${url.pathname}` } });
    })().catch((error: Error & { status?: number; code?: string }) => {
      if (!res.headersSent) send(res, error.status ?? 500, { error: { code: error.status === undefined ? 'E_GATEWAY' : error.code ?? 'E_GATEWAY', message: error.message } });
      else res.destroy(error);
    });
  });

  // Descriptors: this agent's own cap, and the daemon-wide budget every
  // gateway shares, so the services' reserve is never reached by agents.
  server.on('connection', (socket) => {
    if (connections >= limits.maxConnections) {
      onLimit('connections', { limit: limits.maxConnections });
      socket.destroy();
      return;
    }
    if (!descriptors.take()) {
      onLimit('daemon-descriptors', { limit: descriptors.total });
      socket.destroy();
      return;
    }
    connections += 1;
    socket.once('close', () => {
      connections -= 1;
      descriptors.release();
    });
  });
  // Slow clients cannot hold a connection: a request head within 10 s, a
  // whole request within 60 s, idle keep-alive connections closed after 5 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  mkdirSync(dirname(options.socketPath), { recursive: true, mode: 0o700 });
  rmSync(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  chmodSync(options.socketPath, 0o600);
  return {
    socketPath: options.socketPath,
    close: async () => {
      for (const c of inflight) c.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(options.socketPath, { force: true });
    },
  };
}
