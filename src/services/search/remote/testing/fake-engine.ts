// A fake of a public engine: a real HTTP server on 127.0.0.1 that answers
// with the engine's wire format from fixtures, and records every request as
// it arrived on the wire. Tests reach it through the same EngineFetch
// production uses (engine-fetch.ts over the outbound client); only the raw
// transport under it differs: it sends each request, built for the
// engine's REAL https URL, to this server instead (fakeFetch below).
// Adapters never see a base URL, so nothing in production can be pointed
// elsewhere.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHttpClient, type HttpClient } from '../../../../lib/outbound/http-client.ts';
import type { EngineFetch } from '../../types.ts';
import { createEngineFetch, sendOver } from '../engine-fetch.ts';

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
  /** Send the body gzip-encoded (Stack Exchange does, always). */
  gzip?: boolean;
}

export interface FakeRequest {
  /** The URL the adapter asked for (the real engine's). */
  engineUrl: URL;
  method: string;
  /** Path and query as they arrived here. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type FakeRoute = (request: FakeRequest) => FakeReply;

export interface FakeEngine {
  origin: string;
  requests: FakeRequest[];
  /** The replies for the next requests, in order, before the route answers again. */
  script(...replies: FakeReply[]): void;
  /** Forget scripted replies not used yet and the recorded requests. */
  reset(): void;
  /** An EngineFetch whose requests reach this server. */
  fetch: EngineFetch;
  close(): Promise<void>;
}

/** A fixture file of an adapter's fixtures/ folder, as text. */
export function fixture(dir: string, name: string): string {
  return readFileSync(join(dir, 'fixtures', name), 'utf8');
}

export async function startFakeEngine(route: FakeRoute): Promise<FakeEngine> {
  const requests: FakeRequest[] = [];
  const scripted: FakeReply[] = [];
  // The engine URL of each request, keyed by a request id the transport adds to the path it sends.
  const pending = new Map<string, URL>();
  let nextId = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [path, id] = splitId(req.url ?? '/');
      const engineUrl = pending.get(id) ?? new URL(`https://unknown.invalid${path}`);
      pending.delete(id);
      const request: FakeRequest = { engineUrl, method: req.method ?? 'GET', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      let reply: FakeReply;
      try {
        reply = scripted.shift() ?? route(request);
      } catch (error) {
        reply = { status: 500, body: `fake route failed: ${String(error)}` };
      }
      const body = reply.gzip ? gzipSync(reply.body) : Buffer.from(reply.body);
      const headers: Record<string, string> = { 'content-length': String(body.length), ...(reply.gzip ? { 'content-encoding': 'gzip' } : {}), ...reply.headers };
      res.writeHead(reply.status ?? 200, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake engine: no TCP address');
  const origin = `http://127.0.0.1:${address.port}`;
  const client: HttpClient = createHttpClient({ maxSockets: 8, idleMs: 1_000 });
  const direct = sendOver(client, 5_000);
  // The test's transport: the request is already built and checked for the
  // real engine URL; only where it is sent changes.
  const fetch = createEngineFetch(async (request, signal) => {
    const url = new URL(request.url);
    const id = String(nextId++);
    pending.set(id, url);
    const sep = url.search === '' ? '?' : '&';
    return direct({ ...request, url: `${origin}${url.pathname}${url.search}${sep}__fake=${id}` }, signal);
  });
  return {
    origin,
    requests,
    script: (...replies) => void scripted.push(...replies),
    reset: () => {
      scripted.length = 0;
      requests.length = 0;
    },
    fetch,
    close: async () => {
      client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The transport's request id travels as the last query parameter; the fake strips it so paths are what the engine would see.
function splitId(url: string): [string, string] {
  const m = /[?&]__fake=(\d+)$/.exec(url);
  if (m === null) return [url, ''];
  return [url.slice(0, m.index), m[1]!];
}
