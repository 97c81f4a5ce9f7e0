// Read a whole (small) node:stream body with a size cap: the gateway's
// inbound requests (outbound responses are ResponseBody.collect).
// Event listeners rather than `for await`: the async iterator builds an
// end-of-stream watcher and a promise per chunk, which showed as several
// percent of the router thread per request (docs/benchmarks.md, Router).
// Same failure semantics as the iterator: over the cap, an 'error', or a
// 'close' before 'end' rejects, and the stream is destroyed (no more reads).

import type { Readable } from 'node:stream';

export function readAll(stream: Readable, limit: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    let done = false;
    const fail = (error: Error): void => {
      if (done) return;
      done = true;
      stream.destroy();
      reject(error);
    };
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) return fail(tooLarge());
      // One chunk is the common case for a small body: no array, no concat.
      if (first === undefined) first = chunk;
      else (chunks ??= [first]).push(chunk);
    });
    stream.once('end', () => {
      if (done) return;
      done = true;
      resolve(chunks !== undefined ? Buffer.concat(chunks, size) : (first ?? Buffer.alloc(0)));
    });
    stream.once('error', fail);
    stream.once('close', () => {
      if (!done) fail(Object.assign(new Error('premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
  });
}
