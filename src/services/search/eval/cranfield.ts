// The Cranfield 1400 collection (bench/data/cranfield/, NOTICE.md there):
// documents and queries in the SMART format, graded judgements in cranqrel.
//
// Grades (Cleverdon's codes, cranqrel.readme): 1 = complete answer, 2 = high
// relevance, 3 = useful background, 4 = minimum interest, 5 = no interest.
// Gain = 5 - code for codes 1..4 (4, 3, 2, 1), the usual mapping; code 5
// never appears; code -1 (one per query in this file, undocumented) and
// any other code count as judged not relevant (gain 0), the way trec_eval
// treats grades <= 0.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Qrels } from './judgments.ts';
import { parseSmart } from './smart-format.ts';

export interface CollectionDoc {
  id: string;
  title: string;
  body: string;
  /** Authors and bibliographic source: metadata, not indexed for ranking. */
  authors: string;
  source: string;
}

export interface CollectionQuery {
  id: string;
  text: string;
}

export interface Collection {
  docs: CollectionDoc[];
  queries: CollectionQuery[];
  qrels: Qrels;
}

/** Gain of a Cranfield relevance code (see the comment at the top). */
export function cranfieldGain(code: number): number {
  return Number.isInteger(code) && code >= 1 && code <= 4 ? 5 - code : 0;
}

/** Cranfield's "query doc code" lines; queries are numbered 1..225 in order of cran.qry. */
export function parseCranfieldQrels(text: string): Qrels {
  const out = new Map<string, Map<string, number>>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) continue;
    let docs = out.get(parts[0]);
    if (docs === undefined) out.set(parts[0], docs = new Map());
    docs.set(parts[1], cranfieldGain(Number(parts[2])));
  }
  return out;
}

/** Reads the collection from its folder (the four files, unchanged). */
export function loadCranfield(dir: string): Collection {
  const docs = parseSmart(readFileSync(join(dir, 'cran.all.1400'), 'utf8')).map((r) => ({
    id: r.id,
    title: r.fields.T ?? '',
    body: r.fields.W ?? '',
    authors: r.fields.A ?? '',
    source: r.fields.B ?? '',
  }));
  // cran.qry's ".I" numbers skip values; the judgements number queries by position.
  const queries = parseSmart(readFileSync(join(dir, 'cran.qry'), 'utf8')).map((r, i) => ({ id: String(i + 1), text: r.fields.W ?? '' }));
  return { docs, queries, qrels: parseCranfieldQrels(readFileSync(join(dir, 'cranqrel'), 'utf8')) };
}
