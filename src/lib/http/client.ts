// The typed client: calls an endpoint declared with route.ts and gives its
// typed result; an error reply is rebuilt as the same OctantError the
// server threw (code, message, hint, detail and exit code), so a command run
// through HTTP exits exactly as it would in-process.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createInterface } from 'node:readline';
import { EXIT, OctantError, type ExitCode } from '../errors.ts';
import { isPlainObject } from '../schema.ts';
import type { Endpoint } from './route.ts';

/** Where the server is: a Unix socket, or an http(s) URL (with the CA to trust for a self-signed certificate). */
export type Transport = { socketPath: string } | { url: string; ca?: string | Buffer };

export interface ClientOptions {
  /** The error for a connection that fails (e.g. E_NOT_RUNNING when nothing answers). */
  connectError?: (error: NodeJS.ErrnoException) => OctantError;
  /** Code of an error reply that carries none of ours (default E_HTTP_STATUS). */
  statusCode?: string;
}

export interface RawReply {
  status: number;
  body: unknown;
}

/** Open one request; resolves with the response head. A fresh connection each time (a pooled one may outlive its server). */
export function open(transport: Transport, method: string, path: string, body: unknown, options: ClientOptions = {}): Promise<IncomingMessage> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
  return new Promise((resolve, reject) => {
    const req = 'socketPath' in transport
      ? httpRequest({ agent: false, socketPath: transport.socketPath, method, path, headers }, resolve)
      : (() => {
        const base = new URL(transport.url);
        const target = { agent: false as const, hostname: base.hostname.replace(/^\[|\]$/g, ''), port: base.port, method, path: `${base.pathname.replace(/\/$/, '')}${path}`, headers };
        return base.protocol === 'https:' ? httpsRequest({ ...target, ca: transport.ca }, resolve) : httpRequest(target, resolve);
      })();
    req.once('error', (error: NodeJS.ErrnoException) => {
      reject(options.connectError?.(error) ?? new OctantError('E_HTTP_CLIENT', `${method} ${path}: ${error.message}`, { exit: EXIT.unavailable, cause: error }));
    });
    req.end(payload);
  });
}

async function text(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function parsed(body: string): unknown {
  if (body === '') return null;
  try {
    return JSON.parse(body);
  } catch {
    return body; // not JSON: hand back the text
  }
}

/** One request; the reply body parsed as JSON (or the raw text if it is not JSON). */
export async function requestJson(transport: Transport, method: string, path: string, body?: unknown, options: ClientOptions = {}): Promise<RawReply> {
  const res = await open(transport, method, path, body, options);
  return { status: res.statusCode ?? 0, body: parsed(await text(res)) };
}

const EXIT_CODES: readonly number[] = Object.values(EXIT);
const isExitCode = (value: unknown): value is ExitCode => typeof value === 'number' && EXIT_CODES.includes(value);

/** The exit code a bare HTTP status stands for (a reply without one of ours in its body). */
function exitOfStatus(status: number): ExitCode {
  if (status === 400) return EXIT.usage;
  if (status === 403) return EXIT.denied;
  if (status === 503) return EXIT.unavailable;
  return EXIT.failure;
}

/** Rebuild the OctantError an error reply carries: the server's code, message, hint and exit code. */
export function replyError(method: string, path: string, reply: RawReply, statusCode = 'E_HTTP_STATUS'): OctantError {
  const error = isPlainObject(reply.body) && isPlainObject(reply.body.error) ? reply.body.error : {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const exit = isExitCode(error.exit) && error.exit !== EXIT.ok ? error.exit : exitOfStatus(reply.status);
  return new OctantError(str(error.code) ?? statusCode, str(error.message) ?? `${method} ${path} answered ${reply.status}`, {
    hint: str(error.hint),
    exit,
    detail: isPlainObject(error.detail) ? error.detail : undefined,
  });
}

/** An endpoint's path with its :params filled in (each encoded as one segment). */
export function pathOf(declared: { path: string }, params: Readonly<Record<string, string>> = {}): string {
  return declared.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_all, name: string) => {
    const value = params[name];
    if (value === undefined) throw new OctantError('E_HTTP_CLIENT', `${declared.path}: no value for :${name}`, { exit: EXIT.usage });
    return encodeURIComponent(value);
  });
}

export interface CallOptions {
  params?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, string>>;
}

/** The body argument: required when the endpoint takes one, absent when it takes none. */
type BodyArgs<B> = undefined extends B ? [body?: B, options?: CallOptions] : [body: B, options?: CallOptions];

export interface Client {
  /** Call an endpoint; its typed result, or the server's error rethrown. */
  call<B, R>(declared: Endpoint<B, R>, ...args: BodyArgs<B>): Promise<R>;
  /** Call a streaming (NDJSON) endpoint; its values as they arrive. */
  stream<B, T>(declared: Endpoint<B, AsyncIterable<T>>, ...args: BodyArgs<B>): AsyncGenerator<T>;
}

/** A client for the endpoints mounted under `prefix` ('/v1', '/v1/vault') on one server. */
export function createClient(transport: Transport, prefix: string, options: ClientOptions = {}): Client {
  const target = (declared: { path: string }, call: CallOptions = {}): string => {
    const query = call.query === undefined ? '' : `?${new URLSearchParams(call.query)}`;
    return `${prefix}${pathOf(declared, call.params)}${query}`;
  };
  return {
    async call<B, R>(declared: Endpoint<B, R>, ...[body, call]: BodyArgs<B>): Promise<R> {
      const path = target(declared, call);
      const reply = await requestJson(transport, declared.method, path, body, options);
      if (reply.status < 200 || reply.status > 299) throw replyError(declared.method, path, reply, options.statusCode);
      // The server built this body from the endpoint's handler, whose result type is R.
      return reply.body as R;
    },
    async *stream<B, T>(declared: Endpoint<B, AsyncIterable<T>>, ...[body, call]: BodyArgs<B>): AsyncGenerator<T> {
      const path = target(declared, call);
      yield* streamLines<T>(transport, declared.method, path, body, options);
    },
  };
}

/** A streamed (newline-delimited JSON) reply, one value at a time. */
export async function* streamLines<T = unknown>(transport: Transport, method: string, path: string, body: unknown, options: ClientOptions = {}): AsyncGenerator<T> {
  const res = await open(transport, method, path, body, options);
  if ((res.statusCode ?? 0) > 299) throw replyError(method, path, { status: res.statusCode ?? 0, body: parsed(await text(res)) }, options.statusCode);
  try {
    for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
      // Each line is one value the server's stream produced (type T).
      if (line !== '') yield JSON.parse(line) as T;
    }
  } finally {
    res.destroy();
  }
}
