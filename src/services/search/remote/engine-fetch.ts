// The EngineFetch (types.ts) remote engines are given, built over a raw
// transport the search service provides (a tunnel through the agent's
// egress proxy). This layer owns what every engine needs and none may
// skip: the request is built by the privacy rules (privacy.ts), the answer's
// Content-Encoding is decoded (Stack Exchange gzips every answer, asked or
// not: api.stackexchange.com/docs/compression), Set-Cookie never leaves
// this function, and a body has a size limit, before and after decoding
// (a small gzip can expand enormously).

import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import type { HttpClient } from '../../../lib/outbound/http-client.ts';
import type { EngineFetch } from '../types.ts';
import { EngineError } from './engine-error.ts';
import { buildEngineRequest, cleanResponseHeaders, type OutgoingRequest } from './privacy.ts';

/** A response as it came off the wire: the body not yet decoded. */
export interface RawResponse {
  status: number;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: Uint8Array;
}

/** Sends one clean request and returns the raw answer; never follows redirects, keeps no cookies. */
export type RawSend = (request: OutgoingRequest, signal: AbortSignal) => Promise<RawResponse>;

/** Default cap on a decoded body: a result page is well under this. */
export const MAX_BODY_BYTES = 4 << 20;

type Inflate = (bytes: Buffer, options: ZlibOptions, done: (error: Error | null, result: Buffer) => void) => void;

function run(inflater: Inflate, bytes: Buffer, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => inflater(bytes, options, (error, result) => (error === null ? resolve(result) : reject(error))));
}

/** The body bytes with each Content-Encoding undone (RFC 9110 §8.4: listed in the order applied). */
export async function decodeBody(encoding: string | undefined, body: Uint8Array, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  let bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const codings = (encoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  // zlib runs these on the libuv pool, off the event loop; maxOutputLength bounds a decompression bomb.
  const options = { maxOutputLength: maxBytes };
  for (const coding of codings.reverse()) {
    const input = bytes;
    if (coding === 'gzip' || coding === 'x-gzip') bytes = await run(gunzip, input, options);
    else if (coding === 'br') bytes = await run(brotliDecompress, input, options);
    // 'deflate' is zlib-wrapped per the RFC; some servers send it raw.
    else if (coding === 'deflate') bytes = await run(inflate, input, options).catch(() => run(inflateRaw, input, options));
    else throw new TypeError(`unsupported Content-Encoding '${coding}'`);
  }
  return bytes;
}

/** An EngineFetch over `send`: privacy rules on the way out, decoding and cookie stripping on the way back. */
export function createEngineFetch(send: RawSend, options: { maxBytes?: number } = {}): EngineFetch {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  return async (url, init) => {
    const request = buildEngineRequest(url, init);
    const raw = await send(request, init.signal);
    if (raw.body.byteLength > maxBytes) throw new EngineError('malformed', new URL(url).hostname, `body over ${maxBytes} bytes`, { status: raw.status });
    const headers = cleanResponseHeaders(raw.headers);
    let decoded: Buffer;
    try {
      decoded = await decodeBody(headers['content-encoding'], raw.body, maxBytes);
    } catch (error) {
      throw new EngineError('malformed', new URL(url).hostname, `cannot decode the body (${headers['content-encoding'] ?? 'identity'})`, { status: raw.status, cause: error });
    }
    return {
      status: raw.status,
      headers,
      // Every engine here answers UTF-8 (JSON by RFC 8259 §8.1; the HTML and XML pages declare it).
      text: async () => decoded.toString('utf8'),
    };
  };
}

/** A RawSend over the project's outbound HTTP client (a direct connection, or one the caller points at a tunnel). */
export function sendOver(client: HttpClient, timeoutMs = 15_000): RawSend {
  return async (request, signal) => {
    const res = await client.send(request, new URL(request.url).host, signal, timeoutMs);
    const body = await res.body.collect(MAX_BODY_BYTES, () => new EngineError('malformed', new URL(request.url).hostname, `body over ${MAX_BODY_BYTES} bytes`, { status: res.status }));
    return { status: res.status, headers: res.headers, body };
  };
}
