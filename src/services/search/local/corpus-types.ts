// The shapes shared by the main thread (listing a corpus, serving queries)
// and the indexing worker (reading and indexing it): plain data, structured-
// cloned between them.

import type { FtsConfig } from '../../../lib/fts/fts-index.ts';

/** What a corpus is made from (docs/search.md "Local corpora"). */
export type CorpusKind = 'files' | 'man' | 'usr-doc' | 'dpkg' | 'git' | 'zim' | 'documents';

export const CORPUS_KINDS: readonly CorpusKind[] = ['files', 'man', 'usr-doc', 'dpkg', 'git', 'zim', 'documents'];

/** One document as the search corpora index it: a title, a body, metadata. */
export interface IndexDoc {
  /** Stable id within the corpus (a path, a package name, a commit). */
  id: string;
  title: string;
  body: string;
  /** Where the document can be opened: a URL or an absolute path. */
  url?: string;
  meta?: Record<string, string | number>;
}

/**
 * A unit of indexing work: a file the worker reads (and turns into zero or
 * more documents by the corpus kind), or a document already made (git
 * commits, documents put through the API). `stamp` (size and mtime) lets the
 * worker skip reading a file whose stamp has not changed since it was indexed.
 */
export type IndexUnit =
  | { path: string; stamp?: string }
  | { doc: IndexDoc }
  /** Clusters [from, to) of a ZIM archive (one archive is many units, for progress). */
  | { zim: string; stamp: string; clusters: [number, number] };

/** The fields every corpus index has, with their BM25 weights. */
export const CORPUS_FIELDS: FtsConfig['fields'] = [
  { name: 'title', weight: 4 },
  { name: 'body', weight: 1 },
];

/** A batch for the worker: index `units` of a corpus in `db` as pass `gen`. */
export interface IndexBatch {
  db: string;
  kind: CorpusKind;
  lang: string;
  units: IndexUnit[];
  /** 0: not part of a full pass (documents put through the API). */
  gen: number;
}

export interface BatchResult {
  added: number;
  changed: number;
  unchanged: number;
  /** Units that could not be read (the first few errors are in `errors`). */
  failed: number;
  errors: string[];
}
