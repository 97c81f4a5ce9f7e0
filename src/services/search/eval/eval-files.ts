// A test collection given as files, evaluated end to end: read in its
// formats, indexed in memory, ranked by the local engine's ranking and by
// plain bm25() over the same index, measured (`octant search eval`).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../lib/atomic-file.ts';
import { EXIT, OctantError } from '../../../lib/errors.ts';
import { parseDocs, parseQrels, parseQueries, type DocFormat, type QrelsFormat, type QueryFormat } from './collection-files.ts';
import { evaluate, type Evaluation } from './evaluate.ts';
import { formatTrecRun } from './judgments.ts';
import { indexCollection, runQueries } from './run-collection.ts';

export { DOC_FORMATS, QRELS_FORMATS, QUERY_FORMATS, type DocFormat, type QrelsFormat, type QueryFormat } from './collection-files.ts';
export type { Evaluation, QueryScores } from './evaluate.ts';

export interface EvalFiles {
  docs: string;
  queries: string;
  qrels?: string;
  docFormat: DocFormat;
  queryFormat: QueryFormat;
  qrelsFormat: QrelsFormat;
  queryIds: 'given' | 'position';
  /** Where to write the ranking as a TREC run. */
  run?: string;
}

export interface EvalOutcome {
  docs: number;
  queries: number;
  /** Present when judgements were given. */
  ranking?: Evaluation;
  bm25?: Evaluation;
}

/** The Cranfield 1400 files in `dir`, with their formats. */
export function cranfieldFiles(dir: string): EvalFiles {
  return { docs: join(dir, 'cran.all.1400'), queries: join(dir, 'cran.qry'), qrels: join(dir, 'cranqrel'), docFormat: 'smart', queryFormat: 'smart', qrelsFormat: 'cranfield', queryIds: 'position' };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new OctantError('E_SEARCH_EVAL_FILE', `search eval: cannot read the ${what} file ${path}`, { exit: EXIT.unavailable, cause });
  }
}

export function evalFiles(files: EvalFiles): EvalOutcome {
  const docs = parseDocs(readText(files.docs, 'documents'), files.docFormat);
  const queries = parseQueries(readText(files.queries, 'queries'), files.queryFormat, files.queryIds);
  const qrels = files.qrels === undefined ? undefined : parseQrels(readText(files.qrels, 'judgements'), files.qrelsFormat);
  const collection = indexCollection(docs);
  try {
    const ours = runQueries(collection.index, queries, 'default');
    if (files.run !== undefined) writeFileAtomic(files.run, formatTrecRun(ours, 'octant'));
    if (qrels === undefined) return { docs: docs.length, queries: queries.length };
    return { docs: docs.length, queries: queries.length, ranking: evaluate(ours, qrels), bm25: evaluate(runQueries(collection.index, queries, 'bm25'), qrels) };
  } finally {
    collection.close();
  }
}
