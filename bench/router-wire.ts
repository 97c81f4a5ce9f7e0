// The router bench's two cheap ends, so that neither competes with the router
// for the machine's two cores more than it must:
// - rawClient: the load generator's HTTP/1.1 client. It writes one prebuilt
//   request (bytes built once) per call on a raw keep-alive socket (a Unix
//   socket for an agent's gateway, TCP otherwise), one request in flight per
//   socket, and reads the reply by Content-Length or chunks, minimally: it
//   trusts the peer (our gateway or our fake), it only has to find the end.
// - rawFakeOpenAI: the fake provider. Every POST /v1/chat/completions gets
//   the same precomputed OpenAI Chat Completions reply, the body
//   src/services/router/testing/fake-openai.ts returns (same wire format,
//   real HTTP/1.1 with Content-Length, keep-alive); anything else a 404.
// Both paths of the bench (direct and via the router) use the same client
// and the same fake, so "added" stays the router's own cost.

import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { openAIWire } from '../src/services/router/testing/fake-openai.ts';

const HEAD_END = Buffer.from('\r\n\r\n');

/** Content-Length of a head (latin1 text, lower-cased), or -1 for a chunked body. */
function bodyLength(head: string): number {
  const at = head.indexOf('\r\ncontent-length:');
  if (at !== -1) return Number(head.slice(at + 17, head.indexOf('\r\n', at + 17)).trim());
  return head.includes('\r\ntransfer-encoding: chunked') ? -1 : 0;
}

/** Where a chunked body that starts at `at` ends (after its last CRLF), or -1 if not all here. */
function chunkedEnd(buf: Buffer, at: number): number {
  for (;;) {
    const nl = buf.indexOf('\r\n', at, 'latin1');
    if (nl === -1) return -1;
    const size = parseInt(buf.toString('latin1', at, nl), 16);
    if (size === 0) {
      const end = buf.indexOf(HEAD_END, nl, 'latin1');
      return end === -1 ? -1 : end + 4;
    }
    at = nl + 2 + size + 2;
    if (at > buf.length) return -1;
  }
}

class RawConnection {
  readonly socket: net.Socket;
  #buf: Buffer | undefined;
  #done: ((ok: boolean) => void) | undefined;
  #status = 0;
  /** Where the reply's body ends, once its head is parsed. */
  #end = -1;
  #bodyStart = 0;
  #chunked = false;

  constructor(socket: net.Socket, onClose: (conn: RawConnection) => void) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      onClose(this);
      this.#finish(false);
    });
  }

  send(bytes: Buffer, done: (ok: boolean) => void): void {
    this.#done = done;
    this.socket.write(bytes);
  }

  #onData(chunk: Buffer): void {
    const buf = (this.#buf = this.#buf === undefined ? chunk : Buffer.concat([this.#buf, chunk]));
    if (this.#end === -1 && !this.#chunked) {
      const head = buf.indexOf(HEAD_END);
      if (head === -1) return;
      const text = buf.toString('latin1', 0, head + 2).toLowerCase();
      this.#status = Number(text.slice(9, 12));
      const length = bodyLength(text);
      this.#bodyStart = head + 4;
      if (length === -1) this.#chunked = true;
      else this.#end = this.#bodyStart + length;
    }
    if (this.#chunked) this.#end = chunkedEnd(buf, this.#bodyStart);
    if (this.#end === -1 || buf.length < this.#end) return;
    this.#finish(this.#status === 200);
  }

  #finish(ok: boolean): void {
    this.#buf = undefined;
    this.#end = -1;
    this.#chunked = false;
    const done = this.#done;
    this.#done = undefined;
    done?.(ok);
  }
}

export interface RawClient {
  /** One request; true when the reply was a 200. */
  send(): Promise<boolean>;
  close(): void;
}

/**
 * A keep-alive client for one prebuilt request to `target` (a Unix socket
 * path, or http://host:port). Idle sockets are reused, new ones opened when
 * all are busy (as node:http's keep-alive agent would).
 */
export function rawClient(target: string, path: string, headers: Record<string, string>, body: string): RawClient {
  const unix = target.startsWith('/');
  const url = unix ? undefined : new URL(target);
  const head = Object.entries({ host: unix ? 'localhost' : url!.host, ...headers, 'content-length': String(Buffer.byteLength(body)) }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const bytes = Buffer.from(`POST ${path} HTTP/1.1\r\n${head}\r\n${body}`);
  const idle: RawConnection[] = [];
  const all = new Set<RawConnection>();
  const gone = (conn: RawConnection): void => {
    all.delete(conn);
    const i = idle.indexOf(conn);
    if (i !== -1) idle.splice(i, 1);
  };
  const open = (): RawConnection => {
    const conn = new RawConnection(unix ? net.connect(target) : net.connect(Number(url!.port), url!.hostname), gone);
    all.add(conn);
    return conn;
  };
  return {
    send: () =>
      new Promise((resolve) => {
        const conn = idle.pop() ?? open();
        conn.send(bytes, (ok) => {
          if (!conn.socket.destroyed) idle.push(conn);
          resolve(ok);
        });
      }),
    close() {
      for (const conn of all) conn.socket.destroy();
    },
  };
}

/** The fake provider; resolves with its origin (http://127.0.0.1:PORT) and a close(). */
export async function rawFakeOpenAI(): Promise<{ origin: string; close(): Promise<void> }> {
  const reply = openAIWire.answer({ step: { kind: 'ok' }, text: 'echo: hello bench', model: 'gpt-fake' }, { method: 'POST', url: '/v1/chat/completions', headers: {}, body: {} });
  const json = JSON.stringify(reply);
  const ok = Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  const notFound = Buffer.from('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    let buf: Buffer | undefined;
    socket.on('data', (chunk: Buffer) => {
      let b: Buffer = buf === undefined ? chunk : Buffer.concat([buf, chunk]);
      buf = b;
      // Every whole request in the buffer gets its answer (pipelining too).
      for (;;) {
        const head = b.indexOf(HEAD_END);
        if (head === -1) return;
        const text = b.toString('latin1', 0, head + 2).toLowerCase();
        const end = head + 4 + Math.max(0, bodyLength(text));
        if (b.length < end) return;
        socket.write(text.startsWith('post /v1/chat/completions ') ? ok : notFound);
        if (end === b.length) return void (buf = undefined);
        buf = b = b.subarray(end);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
