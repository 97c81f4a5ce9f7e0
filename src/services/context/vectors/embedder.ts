// T3's embedder interface (docs/memory.md "T3"). Three implementations:
//   - builtin-embedder.ts: hashed word and character n-grams, no model file,
//     always available (the default);
//   - router-embedder.ts: the router's embeddings endpoint, only when the
//     agent's manifest allows its memory to be sent to that deployment;
//   - local-model.ts: a model the operator installed under /data/models,
//     with an engine to run it.
// Vectors of two embedders live in different spaces and are never compared:
// the vector store records which embedder (`id`) made each vector.

export interface Embedder {
  /** Names the vector space, version and size included (e.g. 'hashed-v1-256'). */
  readonly id: string;
  readonly dims: number;
  /**
   * Below this cosine a neighbour is not an answer (T3 leaves it out rather
   * than return the nearest of unrelated memories). Depends on the space:
   * the built-in embedder's unrelated texts sit near 0; many models' near 0.2+.
   */
  readonly minSimilarity?: number;
  /** Unit vectors (L2 norm 1, or all zeros for a text with nothing to embed), one per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
