// The built-in embedder (hashed-embedding.ts has the math and its limits):
// always available, nothing leaves the machine, nothing to install.
//
// Batches run in the embed workers (embed-worker.ts), never on the event
// loop that serves agents. One short text (a query: up to INLINE_MAX_CHARS)
// is embedded in place: it costs tens of microseconds, less than the round
// trip to a worker, and a search waits for it.

import { availableParallelism } from 'node:os';
import { createWorkerPool, workerSource, type WorkerPool } from '../../../lib/worker-pool.ts';
import type { Embedder } from './embedder.ts';
import type { EmbedTask } from './embed-worker.ts';
import { HASHED_EMBEDDING_VERSION, hashedEmbedding } from './hashed-embedding.ts';

export const DEFAULT_DIMS = 256;
/** A batch at most this long in total is embedded in place. */
export const INLINE_MAX_CHARS = 2048;
/** Texts per worker task: large batches are split so several workers share them. */
const CHUNK = 256;
/** Chunks of one batch in the pool at once. */
const IN_FLIGHT = 4;

/** The embed workers: one thread per core but one (one to four), 64 batches may wait. */
export function embedWorkers(): WorkerPool {
  return createWorkerPool({
    name: 'embedding',
    source: workerSource('context-embed', () => new URL('./embed-worker.ts', import.meta.url)),
    threads: Math.max(1, Math.min(4, availableParallelism() - 1)),
    queueLimit: 64,
  });
}

export function builtinEmbedder(options: { workers: WorkerPool; dims?: number }): Embedder {
  const dims = options.dims ?? DEFAULT_DIMS;
  if (!Number.isInteger(dims) || dims < 16 || dims > 4096) throw new RangeError(`builtin embedder: dims must be an integer in 16..4096 (got ${dims})`);
  const { workers } = options;
  return {
    id: `hashed-v${HASHED_EMBEDDING_VERSION}-${dims}`,
    dims,
    // Unrelated texts: cosine about ±1/sqrt(dims) from collisions; one shared content word is far above.
    minSimilarity: 0.1,
    async embed(texts) {
      let total = 0;
      for (const t of texts) total += t.length;
      if (total <= INLINE_MAX_CHARS) return texts.map((t) => hashedEmbedding(t, dims));
      // At most IN_FLIGHT chunks wait in the pool at once: a corpus of any
      // size never fills its queue (E_WORKERS_BUSY is for other callers).
      const starts: number[] = [];
      for (let i = 0; i < texts.length; i += CHUNK) starts.push(i);
      const results: Float32Array[] = new Array(starts.length);
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < starts.length) {
          const c = next++;
          results[c] = await workers.run<Float32Array>('embed-hashed', { texts: texts.slice(starts[c], starts[c] + CHUNK), dims } satisfies EmbedTask);
        }
      };
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, starts.length) }, lane));
      const out: Float32Array[] = [];
      for (const flat of results) {
        for (let off = 0; off < flat.length; off += dims) out.push(flat.subarray(off, off + dims));
      }
      return out;
    },
  };
}
