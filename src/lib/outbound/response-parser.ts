// A strict, incremental HTTP/1.1 response parser (RFC 9112) for the router's
// outbound client. It is fed the socket's bytes as they come and calls its
// sink with the head, the body's bytes (already de-chunked) and the end.
// Strict because the bytes come from a remote service through proxies: any
// framing two parsers could read differently (request smuggling, RFC 9112
// §6.3 and §11.2) is refused rather than guessed at:
// - status line `HTTP/1.x DDD [reason]`, lines end in CRLF (no bare CR/LF);
// - the head (status line + fields) at most 64 KiB;
// - field names are tokens (RFC 9110 §5.1), no space before the colon, no
//   obsolete line folding (RFC 9112 §5.2), values visible characters only;
// - Content-Length is digits only, duplicates must agree (RFC 9110 §8.6);
// - Transfer-Encoding must be exactly `chunked` (we send no TE header, so a
//   server may use no other coding), and never together with Content-Length;
// - chunk sizes are 1-8 hex digits, extensions ignored, the CRLF after each
//   chunk's data is required, trailers are skipped (at most 64 KiB);
// - 1xx interim responses are skipped (101 is refused: we never upgrade);
// - with neither length nor chunking the body runs to the connection's close.
// Throws FramingError; the caller turns it into an OutboundError 'protocol'
// and closes the connection.

import type { IncomingHttpHeaders } from 'node:http';
import { HTTP_TOKEN } from '../http-token.ts';

export const HEAD_LIMIT = 64 << 10;
const CHUNK_LINE_LIMIT = 4096;

export class FramingError extends Error {}

export interface ResponseHead {
  status: number;
  headers: IncomingHttpHeaders;
  /** HTTP/1.1 without `Connection: close`, and a body framed by length or chunks. */
  keepAlive: boolean;
}

export interface ParserSink {
  head(head: ResponseHead): void;
  data(chunk: Buffer): void;
  end(): void;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close' | 'done';

const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const STATUS_LINE = /^HTTP\/1\.([01]) ([0-9]{3})(?: [\t\x20-\x7e\x80-\xff]*)?$/;
const DIGITS = /^[0-9]{1,15}$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,8})[ \t]*(?:;.*)?$/;
const CRLF = Buffer.from('\r\n');
const EMPTY = Buffer.alloc(0);

/** line[from..] without leading and trailing SP/HTAB (OWS, RFC 9110 §5.6.3); by hand: a regex replace showed in the profile. */
function trimOws(line: string, from: number): string {
  let to = line.length;
  while (from < to && (line.charCodeAt(from) === 0x20 || line.charCodeAt(from) === 0x09)) from++;
  while (to > from && (line.charCodeAt(to - 1) === 0x20 || line.charCodeAt(to - 1) === 0x09)) to--;
  return line.slice(from, to);
}

export class ResponseParser {
  #sink: ParserSink | undefined;
  #state: State = 'done';
  /** Bytes of an unfinished head or line, kept until the rest arrives. */
  #pending: Buffer = EMPTY;
  #remaining = 0;
  #trailerBytes = 0;

  /** A request was written: the next bytes are its response, for `sink`. */
  expect(sink: ParserSink): void {
    this.#sink = sink;
    this.#state = 'head';
    this.#pending = EMPTY;
  }

  /** True between the end of one response and the next request (nothing is owed). */
  get idle(): boolean {
    return this.#state === 'done';
  }

  /** True once the head arrived: the body (if any) is under way. */
  get inBody(): boolean {
    return this.#state !== 'head' && this.#state !== 'done';
  }

  feed(chunk: Buffer): void {
    let buf = chunk;
    if (this.#pending.length > 0) {
      buf = Buffer.concat([this.#pending, chunk]);
      this.#pending = EMPTY;
    }
    let at = 0;
    while (at < buf.length) {
      switch (this.#state) {
        case 'done':
          throw new FramingError('bytes after the end of the response');
        case 'head':
          at = this.#head(buf, at, chunk.length);
          break;
        case 'length': {
          const n = Math.min(this.#remaining, buf.length - at);
          this.#sink!.data(buf.subarray(at, at + n));
          at += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#finish();
          break;
        }
        case 'close':
          this.#sink!.data(at === 0 ? buf : buf.subarray(at));
          at = buf.length;
          break;
        case 'chunk-size':
          at = this.#chunkSize(buf, at);
          break;
        case 'chunk-data': {
          const n = Math.min(this.#remaining, buf.length - at);
          this.#sink!.data(buf.subarray(at, at + n));
          at += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#state = 'chunk-crlf';
          break;
        }
        case 'chunk-crlf':
          // The CRLF after a chunk's data may arrive split across reads.
          if (buf.length - at < 2) {
            if (buf[at] !== 0x0d) throw new FramingError('chunk data not followed by CRLF');
            this.#pending = buf.subarray(at);
            return;
          }
          if (buf[at] !== 0x0d || buf[at + 1] !== 0x0a) throw new FramingError('chunk data not followed by CRLF');
          at += 2;
          this.#state = 'chunk-size';
          break;
        case 'trailers':
          at = this.#trailer(buf, at);
          break;
      }
    }
  }

  /**
   * The peer closed the connection. Ends a body that runs to the close and
   * returns true; returns false when a response was cut short.
   */
  eof(): boolean {
    if (this.#state === 'close') {
      this.#finish();
      return true;
    }
    return this.#state === 'done';
  }

  #finish(): void {
    this.#state = 'done';
    this.#sink!.end();
  }

  /** Parse a head if the buffer holds a whole one; returns the next offset. */
  #head(buf: Buffer, at: number, fresh: number): number {
    // Only the newly arrived bytes (and 3 before them) can complete the CRLFCRLF.
    const end = buf.indexOf('\r\n\r\n', Math.max(at, buf.length - fresh - 3), 'latin1');
    if (end === -1) {
      if (buf.length - at > HEAD_LIMIT) throw new FramingError(`response head over ${HEAD_LIMIT} bytes`);
      this.#pending = buf.subarray(at);
      return buf.length;
    }
    if (end + 4 - at > HEAD_LIMIT) throw new FramingError(`response head over ${HEAD_LIMIT} bytes`);
    const lines = buf.toString('latin1', at, end).split('\r\n');
    const status = STATUS_LINE.exec(lines[0]);
    if (status === null) throw new FramingError(`malformed status line '${lines[0].slice(0, 40)}'`);
    const code = Number(status[2]);
    if (code < 100) throw new FramingError(`status ${status[2]} out of range`);
    // A plain object (a null-prototype one is a dictionary: 2-3x slower to
    // build, in the profile); inherited names are handled below.
    const headers: IncomingHttpHeaders = {};
    let length: string | undefined;
    let coding: string | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      if (colon <= 0) throw new FramingError(line[0] === ' ' || line[0] === '\t' ? 'obsolete line folding in the response head' : 'response header line without a name');
      const name = line.slice(0, colon).toLowerCase();
      if (!HTTP_TOKEN.test(name)) throw new FramingError(`response header name '${name.slice(0, 40)}' is not a token`);
      const value = trimOws(line, colon + 1);
      if (!FIELD_VALUE.test(value)) throw new FramingError(`response header '${name}' has a control character (CR, LF or NUL)`);
      if (name === 'content-length') {
        if (!DIGITS.test(value)) throw new FramingError(`Content-Length '${value.slice(0, 20)}' is not a decimal number`);
        if (length !== undefined && length !== value) throw new FramingError('conflicting Content-Length headers');
        length = value;
        headers[name] = value;
        continue;
      }
      if (name === 'transfer-encoding') coding = coding === undefined ? value : `${coding}, ${value}`;
      // Our values are strings and arrays: anything else is Object.prototype's
      // (a function, shadowed by an own field; __proto__, dropped: no pollution).
      const prior = headers[name] as unknown;
      if (typeof prior === 'string') headers[name] = `${prior}, ${value}`;
      else if (Array.isArray(prior)) prior.push(value);
      else if (name !== '__proto__') headers[name] = name === 'set-cookie' ? [value] : value;
    }
    at = end + 4;
    if (code < 200) {
      // Interim (RFC 9110 §15.2): skip it, the final response follows.
      if (code === 101) throw new FramingError('101 Switching Protocols to a request that asked for no upgrade');
      return at;
    }
    const chunked = coding !== undefined;
    if (chunked && coding!.toLowerCase() !== 'chunked') throw new FramingError(`unsupported Transfer-Encoding '${coding!.slice(0, 40)}'`);
    if (chunked && length !== undefined) throw new FramingError('both Content-Length and Transfer-Encoding (RFC 9112 §6.3)');
    const connection = headers.connection;
    const close = status[1] === '0' || (typeof connection === 'string' && /(?:^|,)[ \t]*close[ \t]*(?:,|$)/i.test(connection));
    const noBody = code === 204 || code === 304;
    this.#state = noBody ? 'done' : chunked ? 'chunk-size' : length !== undefined ? 'length' : 'close';
    this.#remaining = length === undefined ? 0 : Number(length);
    this.#trailerBytes = 0;
    this.#sink!.head({ status: code, headers, keepAlive: !close && this.#state !== 'close' });
    if (noBody || (this.#state === 'length' && this.#remaining === 0)) this.#finish();
    return at;
  }

  /** One line ending in CRLF starting at `at`, or undefined (kept pending) if it has not all arrived. */
  #line(buf: Buffer, at: number, limit: number, what: string): { line: string; next: number } | undefined {
    const end = buf.indexOf(CRLF, at);
    if (end === -1) {
      if (buf.length - at > limit) throw new FramingError(`${what} over ${limit} bytes`);
      this.#pending = buf.subarray(at);
      return undefined;
    }
    if (end - at > limit) throw new FramingError(`${what} over ${limit} bytes`);
    return { line: buf.toString('latin1', at, end), next: end + 2 };
  }

  #chunkSize(buf: Buffer, at: number): number {
    const got = this.#line(buf, at, CHUNK_LINE_LIMIT, 'chunk size line');
    if (got === undefined) return buf.length;
    const m = CHUNK_SIZE.exec(got.line);
    if (m === null || /[\r\n\0]/.test(got.line)) throw new FramingError(`malformed chunk size '${got.line.slice(0, 20)}'`);
    this.#remaining = parseInt(m[1], 16);
    this.#state = this.#remaining === 0 ? 'trailers' : 'chunk-data';
    return got.next;
  }

  #trailer(buf: Buffer, at: number): number {
    const got = this.#line(buf, at, HEAD_LIMIT - this.#trailerBytes, 'trailer section');
    if (got === undefined) return buf.length;
    this.#trailerBytes += got.next - at;
    if (got.line === '') this.#finish();
    return got.next;
  }
}
