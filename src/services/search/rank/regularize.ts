// Score regularisation (F. Diaz, "Regularizing ad hoc retrieval scores",
// CIKM 2005): documents similar to one another tend to be relevant to the
// same requests (the cluster hypothesis), so each of the top documents'
// scores is smoothed with the scores of its nearest neighbours among them.
// A relevant document that misses a query word but resembles the documents
// that match well rises; an isolated match that resembles none of them sinks.
// Similarity: cosine of log-tf x idf vectors over the scored fields.
// Cost: depth^2 sparse dot products (depth 100: 4,950 pairs), bounded.

import { idf } from './bm25f.ts';
import type { CollectionStats, Scored, TermDoc } from './types.ts';

export interface RegularizeParams {
  /** How many of the top documents are smoothed (the rest keep their order below them). */
  depth: number;
  /** Neighbours per document. */
  neighbours: number;
  /** Share of the neighbours' mean score in the new score (0: off, 1: only neighbours). */
  alpha: number;
  fields: readonly string[];
}

type Vector = Map<string, number>;

/** Unit-length log-tf x idf vector of a document's fields. */
export function termVector(doc: TermDoc, fields: readonly string[], idfOf: (term: string) => number): Vector {
  const tf = new Map<string, number>();
  for (const field of fields) for (const t of doc.fields[field] ?? []) tf.set(t, (tf.get(t) ?? 0) + 1);
  const v: Vector = new Map();
  let norm = 0;
  for (const [t, n] of tf) {
    const w = (1 + Math.log(n)) * idfOf(t);
    if (w <= 0) continue;
    v.set(t, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm);
  for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

export function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [t, w] of small) {
    const other = large.get(t);
    if (other !== undefined) sum += w * other;
  }
  return sum;
}

/** A vector as parallel arrays sorted by term number: the pairwise products merge two sorted lists (no hashing). */
interface PackedVector {
  ids: Int32Array;
  weights: Float64Array;
}

function pack(v: Vector, numbers: Map<string, number>): PackedVector {
  const entries = [...v].map(([t, w]): [number, number] => {
    let id = numbers.get(t);
    if (id === undefined) numbers.set(t, id = numbers.size);
    return [id, w];
  }).sort((x, y) => x[0] - y[0]);
  return { ids: Int32Array.from(entries, (e) => e[0]), weights: Float64Array.from(entries, (e) => e[1]) };
}

function packedCosine(a: PackedVector, b: PackedVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i];
    const y = b.ids[j];
    if (x === y) sum += a.weights[i++] * b.weights[j++];
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

/**
 * Re-scores the first `depth` documents of `ranking` (best first):
 * new = (1 - alpha) x own + alpha x similarity-weighted mean of the
 * `neighbours` most similar documents' scores, scores min-max scaled to 0..1
 * first. Documents below the depth follow, in their order.
 */
export function regularize(ranking: readonly Scored[], docs: ReadonlyMap<string, TermDoc>, stats: CollectionStats, params: RegularizeParams): Scored[] {
  const top = ranking.slice(0, params.depth).filter((s) => docs.has(s.id));
  // Fewer documents than neighbours wanted: too few to say what is typical of the top; left as they are.
  if (top.length <= params.neighbours || params.alpha === 0) return [...ranking];
  const idfs = new Map<string, number>();
  const idfOf = (t: string): number => {
    let v = idfs.get(t);
    if (v === undefined) idfs.set(t, v = idf(stats, t));
    return v;
  };
  const numbers = new Map<string, number>();
  const vectors = top.map((s) => pack(termVector(docs.get(s.id) ?? { id: s.id, fields: {} }, params.fields, idfOf), numbers));
  const max = top[0].score;
  const min = top[top.length - 1].score;
  const own = top.map((s) => (s.score - min) / (max - min || 1));
  const sims = top.map(() => new Array<number>(top.length).fill(0));
  for (let i = 0; i < top.length; i++) {
    for (let j = i + 1; j < top.length; j++) sims[i][j] = sims[j][i] = packedCosine(vectors[i], vectors[j]);
  }
  const rescored = top.map((s, i) => {
    const nearest = sims[i].map((sim, j) => ({ sim, j })).filter((n) => n.j !== i).sort((a, b) => b.sim - a.sim).slice(0, params.neighbours);
    const total = nearest.reduce((sum, n) => sum + n.sim, 0);
    const neighbourhood = total === 0 ? 0 : nearest.reduce((sum, n) => sum + n.sim * own[n.j], 0) / total;
    return { id: s.id, score: (1 - params.alpha) * own[i] + params.alpha * neighbourhood };
  });
  // Below the smoothed block: everything else, shifted under its lowest score so the order stays readable as scores.
  const floor = Math.min(0, ...rescored.map((s) => s.score));
  const kept = new Set(top.map((s) => s.id));
  const rest = ranking.filter((s) => !kept.has(s.id)).map((s, i) => ({ id: s.id, score: floor - 1 - i }));
  return [...rescored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)), ...rest];
}
