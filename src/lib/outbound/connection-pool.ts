// Keep-alive connections to one origin: plain TCP for http:, TLS
// for https: (SNI set, the default CA store verifies the certificate; this
// file never turns verification off). At most `maxSockets` connections per
// origin; requests beyond that wait for one to come free. A connection goes
// back to the pool only when its response was read to the end and did not
// ask to close (RFC 9112 §9.3); an idle one is dropped when the peer closes
// it, when it sends anything unasked, and after `idleMs` (shorter than
// common servers' keep-alive timeouts, Node's 5 s among them, so we do not
// write a request into a connection the server is closing). Idle sockets
// are unref'd: they never keep the process alive. close() ends every
// connection, busy or idle, and fails what still waits: the owner of the
// client (a service) calls it on stop, so no socket outlives the service.

import net from 'node:net';
import tls from 'node:tls';
import { FramingError, ResponseParser, type ParserSink } from './response-parser.ts';

export interface Origin {
  https: boolean;
  host: string;
  port: number;
}

/** One request/response on a connection, as the connection sees it. */
export interface Exchange extends ParserSink {
  /** True once the response was read to its end, or failed. */
  readonly done: boolean;
  /** Whether the response allows the connection to be reused. */
  readonly keepAlive: boolean;
  /** The bytes of the request (head and body), written in one write. */
  readonly bytes: string;
  /** The connection failed: a network error, or a framing error in the response. */
  broken(error: Error, framing: boolean): void;
  /** The connection it runs on (set by the pool). */
  conn: Connection | undefined;
}

export interface PoolOptions {
  maxSockets: number;
  idleMs: number;
}

export class Connection {
  readonly socket: net.Socket;
  readonly #pool: Pool;
  readonly #parser = new ResponseParser();
  #exchange: Exchange | undefined;
  #lastError: Error | undefined;
  idleSince = 0;

  constructor(pool: Pool, socket: net.Socket) {
    this.#pool = pool;
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => {
      this.#lastError = error;
    });
    socket.on('end', () => this.#onEnd());
    socket.on('close', () => this.#onClose());
  }

  /** Run an exchange: one write, head and body together. */
  start(exchange: Exchange): void {
    this.#exchange = exchange;
    exchange.conn = this;
    this.#parser.expect(exchange);
    this.socket.write(exchange.bytes);
  }

  /** The exchange gave up on this connection (abort, timeout, unread body): close it. */
  abandon(): void {
    this.#exchange = undefined;
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    const exchange = this.#exchange;
    // Bytes nobody asked for: the connection is out of step, drop it.
    if (exchange === undefined) return void this.socket.destroy();
    try {
      this.#parser.feed(chunk);
    } catch (error) {
      this.#exchange = undefined;
      this.socket.destroy();
      exchange.broken(error as Error, error instanceof FramingError);
      return;
    }
    // Released here, after feed() returned, never from inside it: the next
    // request must not start while this chunk is still being parsed.
    if (exchange.done) {
      this.#exchange = undefined;
      if (exchange.keepAlive && this.#parser.idle) this.#pool.release(this);
      else this.socket.destroy();
    }
  }

  #onEnd(): void {
    const exchange = this.#exchange;
    // A body that runs to the close ends here; anything else was cut short.
    if (exchange !== undefined && this.#parser.eof()) this.#exchange = undefined;
    this.socket.destroy();
  }

  #onClose(): void {
    this.#pool.remove(this);
    const exchange = this.#exchange;
    if (exchange === undefined) return;
    this.#exchange = undefined;
    const gotHead = this.#parser.inBody;
    const why = this.#lastError ?? Object.assign(new Error(gotHead ? 'connection ended in the middle of the response body' : 'connection closed before the response'), { code: 'ECONNRESET' });
    exchange.broken(why, false);
  }
}

function closedError(): Error {
  return Object.assign(new Error('the outbound client is closed'), { code: 'ECLOSED' });
}

export class Pool {
  readonly #origin: Origin;
  readonly #options: PoolOptions;
  /** Idle connections, oldest first (reuse takes the newest: warmest, least likely timed out). */
  readonly #idle: Connection[] = [];
  readonly #waiting: Exchange[] = [];
  /** Every connection, busy or idle: close() ends them all. */
  readonly #all = new Set<Connection>();
  #closed = false;
  #open = 0;
  #sweep: NodeJS.Timeout | undefined;
  /** The last TLS session ticket: a new connection resumes instead of a full handshake. */
  #session: Buffer | undefined;

  constructor(origin: Origin, options: PoolOptions) {
    this.#origin = origin;
    this.#options = options;
  }

  get open(): number {
    return this.#open;
  }

  get idle(): number {
    return this.#idle.length;
  }

  run(exchange: Exchange): void {
    if (this.#closed) return exchange.broken(closedError(), false);
    const now = Date.now();
    let conn: Connection | undefined;
    while ((conn = this.#idle.pop()) !== undefined) {
      if (now - conn.idleSince < this.#options.idleMs && !conn.socket.destroyed) {
        conn.socket.ref();
        return conn.start(exchange);
      }
      conn.socket.destroy();
    }
    if (this.#open < this.#options.maxSockets) return this.#connect().start(exchange);
    this.#waiting.push(exchange);
  }

  /** Take a request that is still waiting for a connection out of the queue. */
  cancel(exchange: Exchange): void {
    const i = this.#waiting.indexOf(exchange);
    if (i !== -1) this.#waiting.splice(i, 1);
  }

  release(conn: Connection): void {
    const next = this.#waiting.shift();
    if (next !== undefined) return conn.start(next);
    conn.idleSince = Date.now();
    conn.socket.unref();
    this.#idle.push(conn);
    this.#sweep ??= setTimeout(() => this.#sweepIdle(), this.#options.idleMs).unref();
  }

  remove(conn: Connection): void {
    this.#open--;
    this.#all.delete(conn);
    if (this.#closed) return;
    const i = this.#idle.lastIndexOf(conn);
    if (i !== -1) this.#idle.splice(i, 1);
    const next = this.#waiting.shift();
    if (next !== undefined) this.#connect().start(next);
  }

  /** Close every connection, idle or busy, and fail the requests still waiting (the owner's stop). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#sweep);
    for (const exchange of this.#waiting.splice(0)) exchange.broken(closedError(), false);
    this.#idle.length = 0;
    // A busy connection's exchange fails through its 'close' event (ECONNRESET).
    for (const conn of this.#all) conn.socket.destroy();
  }

  #connect(): Connection {
    const { https, host, port } = this.#origin;
    // SNI carries host names only (RFC 6066 §3), never an IP literal.
    let socket: net.Socket;
    if (https) {
      const secure = tls.connect({ host, port, servername: net.isIP(host) === 0 ? host : undefined, ALPNProtocols: ['http/1.1'], session: this.#session });
      secure.on('session', (ticket: Buffer) => void (this.#session = ticket));
      socket = secure;
    } else {
      socket = net.connect({ host, port });
    }
    this.#open++;
    const conn = new Connection(this, socket);
    this.#all.add(conn);
    return conn;
  }

  #sweepIdle(): void {
    this.#sweep = undefined;
    const cutoff = Date.now() - this.#options.idleMs;
    while (this.#idle.length > 0 && this.#idle[0].idleSince <= cutoff) this.#idle.shift()!.socket.destroy();
    if (this.#idle.length > 0) this.#sweep = setTimeout(() => this.#sweepIdle(), this.#idle[0].idleSince + this.#options.idleMs - Date.now()).unref();
  }
}
