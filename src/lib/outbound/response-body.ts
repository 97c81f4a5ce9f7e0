// The body of an outbound response: a one-consumer byte source, lighter than
// a node:stream Readable (no stream state machine, no events, no per-chunk
// promise unless the consumer is actually waiting). A consumer either takes
// the whole body (`collect`, for JSON answers) or iterates its chunks
// (`for await`, for SSE and NDJSON streams). `destroy()` stops it early and
// closes the connection it came on; a consumer that stops iterating (break,
// return, an exception) destroys it too.

/** What the body asks of the connection it reads from. */
export interface BodySource {
  pause(): void;
  resume(): void;
  /** Stop reading: close the connection (the response was not read to its end). */
  cancel(error: Error): void;
}

// Past this much unread data the socket is paused (a slow stream consumer).
const HIGH_WATER = 1 << 20;

export class ResponseBody implements AsyncIterable<Buffer> {
  #source: BodySource;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #ended = false;
  #paused = false;
  #error: Error | undefined;
  /** The consumer waiting for the next change (a chunk, the end, an error). */
  #wake: (() => void) | undefined;

  constructor(source: BodySource) {
    this.#source = source;
  }

  /** True once the whole body arrived (it may not all have been consumed). */
  get complete(): boolean {
    return this.#ended;
  }

  // Producer side (the connection).

  push(chunk: Buffer): void {
    if (this.#ended || this.#error !== undefined) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered > HIGH_WATER && !this.#paused) {
      this.#paused = true;
      this.#source.pause();
    }
    this.#notify();
  }

  end(): void {
    if (this.#error !== undefined) return;
    this.#ended = true;
    this.#notify();
  }

  fail(error: Error): void {
    if (this.#ended || this.#error !== undefined) return;
    this.#error = error;
    this.#chunks = [];
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  // Consumer side.

  /** Stop reading: a body not yet complete closes its connection. */
  destroy(error: Error = new Error('response body destroyed')): void {
    this.#chunks = [];
    this.#buffered = 0;
    if (this.#ended || this.#error !== undefined) return;
    this.fail(error);
    this.#source.cancel(error);
  }

  /** The whole body; more than `limit` bytes destroys it and rejects with tooLarge(). */
  collect(limit: number, tooLarge: () => Error): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.#error !== undefined) return reject(this.#error);
        if (this.#buffered > limit) {
          const error = tooLarge();
          this.destroy(error);
          return reject(error);
        }
        if (!this.#ended) {
          this.#wake = check;
          return;
        }
        const chunks = this.#chunks;
        const size = this.#buffered;
        this.#chunks = [];
        this.#buffered = 0;
        // One chunk is the common case for a small body: no concat.
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
      };
      // The collector takes everything: no reason to hold the socket back.
      if (this.#paused) {
        this.#paused = false;
        this.#source.resume();
      }
      check();
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const next = (): Promise<IteratorResult<Buffer>> => {
      if (this.#error !== undefined) return Promise.reject(this.#error);
      const chunk = this.#chunks.shift();
      if (chunk !== undefined) {
        this.#buffered -= chunk.length;
        if (this.#paused && this.#buffered <= HIGH_WATER / 2) {
          this.#paused = false;
          this.#source.resume();
        }
        return Promise.resolve({ value: chunk, done: false });
      }
      if (this.#ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise<void>((resolve) => {
        this.#wake = resolve;
      }).then(next);
    };
    const stop = (): Promise<IteratorResult<Buffer>> => {
      this.destroy(new Error('response body abandoned by its reader'));
      return Promise.resolve({ value: undefined, done: true });
    };
    return { next, return: stop };
  }
}
