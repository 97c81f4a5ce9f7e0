// The shapes the ranking functions share. Ranking is pure: it is given
// analyzed documents (the terms of each field, in order, so an index is a
// position) and the collection's statistics, and never touches the index
// itself; rank/source.ts is where an index provides them.

/** A query term with its weight (1 for a typed term; less for an expansion term). */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/** A document as the ranking sees it: field name -> the field's analyzed terms in order. */
export interface TermDoc {
  id: string;
  fields: Readonly<Record<string, readonly string[]>>;
}

/** What scoring needs to know about the whole collection. */
export interface CollectionStats {
  docCount: number;
  /** Mean length in terms of each field over the collection. */
  avgFieldLength: Readonly<Record<string, number>>;
  /** Documents that hold the term in any field. */
  docFreq(term: string): number;
}

/** One field's part in BM25F: its weight and its length normalisation b (0..1). */
export interface FieldParams {
  weight: number;
  b: number;
}

export interface Bm25fParams {
  /** Term-frequency saturation. */
  k1: number;
  /** Fields not listed here are not scored (metadata, authors...). */
  fields: Readonly<Record<string, FieldParams>>;
}

export interface Scored {
  id: string;
  score: number;
}

/** Best first; ties by id so a ranking never depends on input order. */
export function byScore(a: Scored, b: Scored): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
