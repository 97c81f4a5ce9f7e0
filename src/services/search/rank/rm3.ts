// Pseudo-relevance feedback with RM3 (Lavrenko and Croft, "Relevance-based
// language models", SIGIR 2001; Abdul-Jaleel et al., UMass at TREC 2004):
// the first ranking's top documents are taken as relevant; each term's
// probability in them, weighted by the document's score, forms a relevance
// model; its heaviest terms are mixed with the original query. Term filters
// follow Anserini's (terms of 2-20 letters or digits; terms in more than 10%
// of the collection skipped: they carry no evidence and would dilute the
// query), and so do fbDocs 10 and the original query weight 0.5.

import type { CollectionStats, Scored, TermDoc, WeightedTerm } from './types.ts';

export interface Rm3Params {
  feedbackDocs: number;
  feedbackTerms: number;
  /** Weight of the original query in the mix (0..1). */
  originalWeight: number;
  /**
   * Feedback documents a term must appear in to be an expansion term
   * (Terrier's expansion.mindocuments, 2): a word of one document only (its
   * number, a name) says more about that document than about the request.
   */
  minFeedbackDocs: number;
  /** Terms in more than this fraction of the documents are not expansion terms. */
  maxDocFraction: number;
  /** How fast a feedback document's weight falls with its score, relative to the best one (see relevanceModel). */
  temperature: number;
  /** Fields whose terms feed the relevance model. */
  fields: readonly string[];
}

const TERM = /^[\p{L}\p{N}]{2,20}$/u;

function normalise(terms: readonly WeightedTerm[]): WeightedTerm[] {
  const total = terms.reduce((s, t) => s + t.weight, 0);
  return total === 0 ? [] : terms.map((t) => ({ term: t.term, weight: t.weight / total }));
}

/** The relevance model's top terms, weights summing to 1 (empty when there is no feedback). */
export function relevanceModel(feedback: readonly { doc: TermDoc; score: number }[], stats: CollectionStats, params: Rm3Params): WeightedTerm[] {
  // P(Q|D) of the relevance model is a likelihood, exponential in a score:
  // documents weigh exp((s - best) / (temperature x best)), so the top
  // documents lead the model and a document at half the best score adds little.
  const best = feedback.reduce((m, f) => Math.max(m, f.score), 0);
  const docWeight = (score: number): number => Math.exp((score - best) / (params.temperature * (best || 1)));
  const model = new Map<string, number>();
  const seenIn = new Map<string, number>();
  const usable = new Map<string, boolean>();
  for (const { doc, score } of feedback) {
    const counts = new Map<string, number>();
    let length = 0;
    for (const field of params.fields) {
      for (const t of doc.fields[field] ?? []) {
        counts.set(t, (counts.get(t) ?? 0) + 1);
        length++;
      }
    }
    if (length === 0) continue;
    for (const [term, n] of counts) {
      let ok = usable.get(term);
      if (ok === undefined) usable.set(term, ok = TERM.test(term) && stats.docFreq(term) <= params.maxDocFraction * stats.docCount);
      if (!ok) continue;
      model.set(term, (model.get(term) ?? 0) + docWeight(score) * n / length);
      seenIn.set(term, (seenIn.get(term) ?? 0) + 1);
    }
  }
  const top = [...model].filter(([term]) => (seenIn.get(term) ?? 0) >= Math.min(params.minFeedbackDocs, feedback.length))
    .map(([term, weight]) => ({ term, weight }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1))
    .slice(0, params.feedbackTerms);
  return normalise(top);
}

/**
 * RM3: the original query (weights normalised) mixed with the relevance
 * model of the top `feedbackDocs` of `ranking`. The original terms keep at
 * least `originalWeight` of the total, so feedback can add to a query but
 * not replace it.
 */
export function expandRm3(query: readonly WeightedTerm[], ranking: readonly Scored[], docs: ReadonlyMap<string, TermDoc>, stats: CollectionStats, params: Rm3Params): WeightedTerm[] {
  const feedback = ranking.slice(0, params.feedbackDocs).flatMap((s) => {
    const doc = docs.get(s.id);
    return doc === undefined ? [] : [{ doc, score: s.score }];
  });
  const model = relevanceModel(feedback, stats, params);
  const original = normalise(query);
  if (model.length === 0) return original;
  const mixed = new Map<string, number>();
  for (const t of original) mixed.set(t.term, params.originalWeight * t.weight);
  for (const t of model) mixed.set(t.term, (mixed.get(t.term) ?? 0) + (1 - params.originalWeight) * t.weight);
  return [...mixed].map(([term, weight]) => ({ term, weight }));
}
