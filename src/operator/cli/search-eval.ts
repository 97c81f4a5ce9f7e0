// octant search eval: measure the local engine's ranking on a test
// collection (documents, queries, relevance judgements) with nothing but
// this executable: the documents go into an in-memory index with the
// analyzer and fields of every local corpus, each query is ranked by the
// engine's own ranking, and nDCG@10, MAP and recall@100 are printed next to
// plain FTS5 bm25() over the same index (docs/search.md "Ranking").

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { boolFlag, stringFlag, type Parsed } from '../../lib/args.ts';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import { writeJson, writeLine } from '../../lib/io.ts';
import type { Action } from './command.ts';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new OctantError('E_SEARCH_EVAL_FILE', `search eval: cannot read the ${what} file ${path}`, { exit: EXIT.unavailable, cause });
  }
}

function choice<T extends string>(parsed: Parsed, name: string, allowed: readonly T[], fallback: T): T {
  const value = stringFlag(parsed, name) ?? fallback;
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw usageError(`search eval: --${name} must be one of ${allowed.join(', ')}, not '${value}'`);
  return found;
}

export const searchEval: Action = {
  name: 'eval',
  summary: "rank a test collection's queries with the local engine's ranking; nDCG@10, MAP, recall@100 against plain bm25()",
  synopsis: ['--docs FILE --queries FILE [--qrels FILE] [formats] [--run FILE] [--per-query] [--json]', '--cranfield DIR [--run FILE] [--per-query] [--json]'],
  options: {
    docs: { type: 'string', value: 'FILE', help: 'the documents' },
    queries: { type: 'string', value: 'FILE', help: 'the queries' },
    qrels: { type: 'string', value: 'FILE', help: 'relevance judgements (without them only the run is written)' },
    'docs-format': { type: 'string', value: 'F', help: 'smart (default: .I .T .W records), trec (<DOC><DOCNO>), jsonl ({id, title, body|text})' },
    'queries-format': { type: 'string', value: 'F', help: 'smart (default), trec (<top> topics, the title), tsv (id<TAB>text)' },
    'qrels-format': { type: 'string', value: 'F', help: 'trec (default: query 0 doc grade), cranfield (query doc code), pairs (query doc: all relevant)' },
    'query-ids': { type: 'string', value: 'given|position', help: 'keep the queries\' ids (default) or number them 1..n in file order' },
    cranfield: { type: 'string', value: 'DIR', help: 'the Cranfield 1400 files (cran.all.1400, cran.qry, cranqrel) in DIR, with their formats' },
    run: { type: 'string', value: 'FILE', help: 'also write the ranking as a TREC run (for trec_eval)' },
    'per-query': { type: 'boolean', help: 'print each query\'s figures' },
    json: { type: 'boolean', help: 'print the figures as JSON' },
  },
  positionals: false,
  notes: 'Query texts are ranked as natural language (their punctuation is no query syntax).\nJudgement grades <= 0 count as not relevant (as trec_eval); nDCG uses the grade as the gain.',
  async run(parsed, { io }) {
    const [files, cranfield, evaluation, judgments, runner] = await Promise.all([
      import('../../services/search/eval/collection-files.ts'), import('../../services/search/eval/cranfield.ts'),
      import('../../services/search/eval/evaluate.ts'), import('../../services/search/eval/judgments.ts'), import('../../services/search/eval/run-collection.ts'),
    ]);
    const dir = stringFlag(parsed, 'cranfield');
    let docsFile = stringFlag(parsed, 'docs');
    let queriesFile = stringFlag(parsed, 'queries');
    let qrelsFile = stringFlag(parsed, 'qrels');
    let docFormat = choice(parsed, 'docs-format', files.DOC_FORMATS, 'smart');
    let queryFormat = choice(parsed, 'queries-format', files.QUERY_FORMATS, 'smart');
    let qrelsFormat = choice(parsed, 'qrels-format', files.QRELS_FORMATS, 'trec');
    let ids = choice(parsed, 'query-ids', ['given', 'position'] as const, 'given');
    if (dir !== undefined) {
      [docsFile, queriesFile, qrelsFile] = [join(dir, 'cran.all.1400'), join(dir, 'cran.qry'), join(dir, 'cranqrel')];
      [docFormat, queryFormat, qrelsFormat, ids] = ['smart', 'smart', 'cranfield', 'position'];
    }
    if (docsFile === undefined || queriesFile === undefined) throw usageError('search eval: give --docs FILE and --queries FILE (or --cranfield DIR)');
    const docs = files.parseDocs(readText(docsFile, 'documents'), docFormat);
    const queries = files.parseQueries(readText(queriesFile, 'queries'), queryFormat, ids);
    const qrels = qrelsFile === undefined ? undefined : files.parseQrels(readText(qrelsFile, 'judgements'), qrelsFormat);
    const collection = runner.indexCollection(docs);
    try {
      const ours = runner.runQueries(collection.index, queries, 'default');
      const runFile = stringFlag(parsed, 'run');
      if (runFile !== undefined) {
        const { writeFileAtomic } = await import('../../lib/atomic-file.ts');
        writeFileAtomic(runFile, judgments.formatTrecRun(ours, 'octant'));
      }
      if (qrels === undefined) {
        if (!boolFlag(parsed, 'json')) writeLine(io.stdout, `${docs.length} documents, ${queries.length} queries ranked${runFile === undefined ? ' (no --qrels, no --run: nothing to show)' : `; run written to ${runFile}`}`);
        else writeJson(io.stdout, { docs: docs.length, queries: queries.length });
        return EXIT.ok;
      }
      const ranked = evaluation.evaluate(ours, qrels);
      const baseline = evaluation.evaluate(runner.runQueries(collection.index, queries, 'bm25'), qrels);
      const figures = (e: typeof ranked) => ({ ndcg10: e.ndcg10, map: e.map, recall100: e.recall100 });
      if (boolFlag(parsed, 'json')) {
        writeJson(io.stdout, { docs: docs.length, queries: ranked.queries, ranking: figures(ranked), bm25: figures(baseline), ...(boolFlag(parsed, 'per-query') ? { perQuery: ranked.perQuery } : {}) });
        return EXIT.ok;
      }
      const f = (n: number): string => n.toFixed(4);
      writeLine(io.stdout, `${docs.length} documents, ${ranked.queries} judged queries`);
      writeLine(io.stdout, `ranking       nDCG@10 ${f(ranked.ndcg10)}  MAP ${f(ranked.map)}  recall@100 ${f(ranked.recall100)}`);
      writeLine(io.stdout, `plain bm25()  nDCG@10 ${f(baseline.ndcg10)}  MAP ${f(baseline.map)}  recall@100 ${f(baseline.recall100)}`);
      writeLine(io.stdout, `ratio         nDCG@10 ${(ranked.ndcg10 / (baseline.ndcg10 || 1)).toFixed(2)}x  MAP ${(ranked.map / (baseline.map || 1)).toFixed(2)}x`);
      if (boolFlag(parsed, 'per-query')) for (const q of ranked.perQuery) writeLine(io.stdout, `${q.query}\tnDCG@10 ${f(q.ndcg10)}\tAP ${f(q.ap)}\trecall@100 ${f(q.recall100)}\trelevant ${q.relevant}`);
      return EXIT.ok;
    } finally {
      collection.close();
    }
  },
};
