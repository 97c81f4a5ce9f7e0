// One outbound request and its response: the part of the client that owns
// the deadlines and the abort signal. It resolves with the response head as
// soon as that arrives (the body keeps coming into a ResponseBody), and turns
// every way a request can fail into an OutboundError:
// - the signal aborts: before connecting, while waiting, or mid-body;
// - no response head within `timeoutMs` of the send;
// - a body that sends nothing for a whole `timeoutMs` period (checked once
//   per period, so it fires between one and two periods after the last byte:
//   an activity counter instead of re-arming a timer for every chunk);
// - the connection fails or closes early ('network'), or the response is
//   framed wrong ('protocol').

import type { IncomingHttpHeaders } from 'node:http';
import { OutboundError } from './outbound-error.ts';
import type { Connection, Exchange as PoolExchange, Pool } from './connection-pool.ts';
import { ResponseBody, type BodySource } from './response-body.ts';
import type { ResponseHead } from './response-parser.ts';

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated fields joined with ', ' (set-cookie: an array). */
  headers: IncomingHttpHeaders;
  body: ResponseBody;
}

export function aborted(label: string): OutboundError {
  return new OutboundError('timeout', 'request aborted', label);
}

// The requests in flight per abort signal, behind one listener per signal.
// Most calls share the router's one service-wide signal, and an
// EventTarget's addEventListener and removeEventListener walk its whole
// listener list: with hundreds of requests in flight (a backlog after a
// stall) each request paid for every other one, just when the backlog
// needed to drain.
const inFlight = new WeakMap<AbortSignal, Set<Exchange>>();

function watch(signal: AbortSignal, exchange: Exchange): void {
  let set = inFlight.get(signal);
  if (set === undefined) {
    const all = (set = new Set());
    inFlight.set(signal, all);
    signal.addEventListener('abort', () => {
      for (const e of all) e.abort();
      all.clear();
    }, { once: true });
  }
  set.add(exchange);
}

export class Exchange implements PoolExchange, BodySource {
  readonly bytes: string;
  conn: Connection | undefined;
  done = false;
  keepAlive = false;
  readonly #label: string;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal;
  readonly #resolve: (res: HttpResponse) => void;
  readonly #reject: (error: Error) => void;
  readonly #timer: NodeJS.Timeout;
  #pool: Pool | undefined;
  #body: ResponseBody | undefined;
  /** Body chunks seen; the stall check compares it across timer periods. */
  #activity = 0;
  #seen = -1;

  constructor(bytes: string, label: string, signal: AbortSignal, timeoutMs: number, resolve: (res: HttpResponse) => void, reject: (error: Error) => void) {
    this.bytes = bytes;
    this.#label = label;
    this.#timeoutMs = timeoutMs;
    this.#signal = signal;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#timer = setTimeout(() => this.#onTimer(), timeoutMs);
    watch(signal, this);
  }

  /** The signal fired. */
  abort(): void {
    this.#fail(aborted(this.#label));
  }

  /** Send it on a connection from `pool` (now, or when one comes free). */
  run(pool: Pool): void {
    this.#pool = pool;
    pool.run(this);
  }

  // The parser's sink.

  head(head: ResponseHead): void {
    this.keepAlive = head.keepAlive;
    this.#body = new ResponseBody(this);
    this.#resolve({ status: head.status, headers: head.headers, body: this.#body });
  }

  data(chunk: Buffer): void {
    this.#activity++;
    this.#body!.push(chunk);
  }

  end(): void {
    this.#body!.end();
    this.#settle();
  }

  // The connection's failure.

  broken(error: Error, framing: boolean): void {
    this.conn = undefined;
    const code = (error as NodeJS.ErrnoException).code;
    const message = framing ? `malformed response: ${error.message}` : `${code ?? 'connection failed'}: ${error.message}`;
    this.#fail(new OutboundError(framing ? 'protocol' : 'network', message, this.#label, { cause: error }));
  }

  // The body's controls.

  pause(): void {
    this.conn?.socket.pause();
  }

  resume(): void {
    this.conn?.socket.resume();
  }

  cancel(error: Error): void {
    this.#fail(error);
  }

  #onTimer(): void {
    if (this.done) return;
    if (this.#body === undefined) return this.#fail(new OutboundError('timeout', `no response within ${this.#timeoutMs} ms`, this.#label));
    if (this.#activity !== this.#seen) {
      this.#seen = this.#activity;
      this.#timer.refresh();
      return;
    }
    this.#fail(new OutboundError('timeout', `response body stalled for ${this.#timeoutMs} ms`, this.#label));
  }

  #settle(): void {
    this.done = true;
    clearTimeout(this.#timer);
    inFlight.get(this.#signal)?.delete(this);
  }

  #fail(error: Error): void {
    if (this.done) return;
    this.#settle();
    const conn = this.conn;
    this.conn = undefined;
    if (conn === undefined) this.#pool?.cancel(this);
    else conn.abandon();
    if (this.#body === undefined) this.#reject(error);
    else this.#body.fail(error);
  }
}
