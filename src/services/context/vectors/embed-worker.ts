// The T3 workers' entry (lib/worker-pool.ts runs it; scripts/build.ts
// bundles it into the executable as 'context-embed'): the built-in hashed
// embedding of a batch of texts, building an HNSW graph over many vectors
// at once, and T4's entity extraction of a bulk add (the recall tiers share
// one pool). The vectors come back in one Float32Array
// (texts × dims), one structured-clone copy instead of one per text.
//
// It imports only the pure embedding code and lib/worker-tasks.ts (no
// node:crypto, nothing on node:net): what a worker of the executable may
// load (lib/worker-pool.ts). Embedding a corpus is background work: the
// thread runs niced, so threads serving agents win the CPU.

import { serveTasks } from '../../../lib/worker-tasks.ts';
import { extract } from '../graph/extract.ts';
import type { ExtractTask } from '../graph/graph-tier.ts';
import { hashedEmbedding } from './hashed-embedding.ts';
import { HnswIndex, type HnswOptions } from './hnsw.ts';

export interface EmbedTask {
  texts: string[];
  dims: number;
}

export interface BuildTask {
  dims: number;
  options: HnswOptions;
  ids: string[];
  /** ids.length × dims. */
  vectors: Float32Array;
}

serveTasks({
  /** Build an HNSW graph over a partition's vectors (crossing the exact index's limit, or a lost snapshot). */
  'hnsw-build': ({ dims, options, ids, vectors }: BuildTask): Int32Array => {
    const index = new HnswIndex(dims, options);
    for (let i = 0; i < ids.length; i++) index.add(ids[i], vectors.subarray(i * dims, (i + 1) * dims));
    // Ids named by their position in the task's order, which the caller restores with.
    return index.exportGraph(ids).graph;
  },
  /** T4's rule-based extraction of a bulk add (graph/graph-tier.ts addMany). */
  'graph-extract': ({ texts, keys }: ExtractTask) => texts.map((text, i) => extract(text, keys[i] ?? undefined)),
  'embed-hashed': ({ texts, dims }: EmbedTask): Float32Array => {
    const out = new Float32Array(texts.length * dims);
    for (let i = 0; i < texts.length; i++) out.set(hashedEmbedding(texts[i], dims), i * dims);
    return out;
  },
}, { niceness: 10 });
