// Talking to a running system through its admin socket (server.ts).
// When nothing answers the error is E_NOT_RUNNING, so a CLI command can tell
// "the system is down" apart from "the system said no".

import { request, type IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { EXIT, OctantError, messageOf, type ExitCode } from '../../lib/errors.ts';
import { adminSocketPath, type Paths } from '../paths.ts';

export interface AdminReply {
  status: number;
  body: unknown;
}

function notRunning(socketPath: string, cause: unknown): OctantError {
  return new OctantError('E_NOT_RUNNING', `no OctantOS system answers on ${socketPath}`, {
    exit: EXIT.unavailable,
    hint: "start it with 'octant boot' (or 'octant up')",
    cause,
  });
}

function open(paths: Paths, method: string, path: string, body: unknown): Promise<IncomingMessage> {
  const socketPath = adminSocketPath(paths);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({
      // A fresh connection per request: a pooled one may belong to a system that has since stopped.
      agent: false,
      socketPath,
      method,
      path,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, resolve);
    req.once('error', (error: NodeJS.ErrnoException) => {
      const down = error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET';
      reject(down ? notRunning(socketPath, error) : new OctantError('E_ADMIN_CLIENT', `${socketPath}: ${messageOf(error)}`, { cause: error }));
    });
    req.end(payload);
  });
}

/** One request; the reply body parsed as JSON (or the raw text if it is not JSON). */
export async function adminRequest(paths: Paths, method: string, path: string, body?: unknown): Promise<AdminReply> {
  const res = await open(paths, method, path, body);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch { /* not JSON: hand back the text */ }
  return { status: res.statusCode ?? 0, body: parsed };
}

const EXIT_CODES: readonly number[] = Object.values(EXIT);

/** The exit code a bare HTTP status stands for (a reply without one of ours in its body). */
function exitOfStatus(status: number): ExitCode {
  if (status === 400) return EXIT.usage;
  if (status === 403) return EXIT.denied;
  if (status === 503) return EXIT.unavailable;
  return EXIT.failure;
}

/** Rebuild the OctantError an error reply carries: the server's code, message, hint and exit code. */
export function replyError(method: string, path: string, reply: AdminReply): OctantError {
  const error = (reply.body as { error?: { code?: unknown; message?: unknown; hint?: unknown; exit?: unknown; detail?: unknown } } | null)?.error;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const exit = typeof error?.exit === 'number' && EXIT_CODES.includes(error.exit) && error.exit !== EXIT.ok ? (error.exit as ExitCode) : exitOfStatus(reply.status);
  const detail = error?.detail !== null && typeof error?.detail === 'object' && !Array.isArray(error.detail) ? (error.detail as Record<string, unknown>) : undefined;
  return new OctantError(text(error?.code) ?? 'E_ADMIN_STATUS', text(error?.message) ?? `admin API: ${method} ${path} answered ${reply.status}`, {
    hint: text(error?.hint),
    exit,
    detail,
  });
}

/** adminRequest that throws the system's error for a non-2xx reply and returns the body. */
export async function adminCall<T = unknown>(paths: Paths, method: string, path: string, body?: unknown): Promise<T> {
  const reply = await adminRequest(paths, method, path, body);
  if (reply.status < 200 || reply.status > 299) throw replyError(method, path, reply);
  return reply.body as T;
}

/** A streamed (newline-delimited JSON) reply, one value at a time. */
export async function* adminStream(paths: Paths, method: string, path: string, body?: unknown): AsyncGenerator<unknown> {
  const res = await open(paths, method, path, body);
  if ((res.statusCode ?? 0) > 299) {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    let parsed: unknown = null;
    try { parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* keep null */ }
    throw replyError(method, path, { status: res.statusCode ?? 0, body: parsed });
  }
  try {
    for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
      if (line !== '') yield JSON.parse(line);
    }
  } finally {
    res.destroy();
  }
}
