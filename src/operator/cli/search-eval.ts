// octant search eval: measure the local engine's ranking on a test
// collection (documents, queries, relevance judgements) with nothing but
// this executable: the documents go into an in-memory index with the
// analyzer and fields of every local corpus, each query is ranked by the
// engine's own ranking, and nDCG@10, MAP and recall@100 are printed next to
// plain FTS5 bm25() over the same index (docs/search.md "Ranking").

import { boolFlag, choiceFlag, stringFlag } from '../../lib/args.ts';
import { EXIT, usageError } from '../../lib/errors.ts';
import { writeJson, writeLine } from '../../lib/io.ts';
import type { EvalFiles } from '../../services/search/api.ts';
import type { Action } from './command.ts';

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
    const search = await import('../../services/search/api.ts');
    const dir = stringFlag(parsed, 'cranfield');
    const run = stringFlag(parsed, 'run');
    let files: EvalFiles;
    if (dir !== undefined) files = { ...search.cranfieldFiles(dir), ...(run === undefined ? {} : { run }) };
    else {
      const docs = stringFlag(parsed, 'docs');
      const queries = stringFlag(parsed, 'queries');
      const qrels = stringFlag(parsed, 'qrels');
      if (docs === undefined || queries === undefined) throw usageError('search eval: give --docs FILE and --queries FILE (or --cranfield DIR)');
      files = {
        docs, queries, ...(qrels === undefined ? {} : { qrels }), ...(run === undefined ? {} : { run }),
        docFormat: choiceFlag(parsed, 'docs-format', 'search eval', search.DOC_FORMATS) ?? 'smart',
        queryFormat: choiceFlag(parsed, 'queries-format', 'search eval', search.QUERY_FORMATS) ?? 'smart',
        qrelsFormat: choiceFlag(parsed, 'qrels-format', 'search eval', search.QRELS_FORMATS) ?? 'trec',
        queryIds: choiceFlag(parsed, 'query-ids', 'search eval', ['given', 'position'] as const) ?? 'given',
      };
    }
    const out = search.evalFiles(files);
    const perQuery = boolFlag(parsed, 'per-query');
    const { ranking, bm25 } = out;
    if (boolFlag(parsed, 'json')) {
      const figures = (e: typeof ranking) => e === undefined ? undefined : { ndcg10: e.ndcg10, map: e.map, recall100: e.recall100 };
      writeJson(io.stdout, { docs: out.docs, queries: ranking?.queries ?? out.queries, ranking: figures(ranking), bm25: figures(bm25), ...(perQuery && ranking !== undefined ? { perQuery: ranking.perQuery } : {}) });
      return EXIT.ok;
    }
    if (ranking === undefined || bm25 === undefined) {
      writeLine(io.stdout, `${out.docs} documents, ${out.queries} queries ranked${run === undefined ? ' (no --qrels, no --run: nothing to show)' : `; run written to ${run}`}`);
      return EXIT.ok;
    }
    const f = (n: number): string => n.toFixed(4);
    writeLine(io.stdout, `${out.docs} documents, ${ranking.queries} judged queries`);
    writeLine(io.stdout, `ranking       nDCG@10 ${f(ranking.ndcg10)}  MAP ${f(ranking.map)}  recall@100 ${f(ranking.recall100)}`);
    writeLine(io.stdout, `plain bm25()  nDCG@10 ${f(bm25.ndcg10)}  MAP ${f(bm25.map)}  recall@100 ${f(bm25.recall100)}`);
    writeLine(io.stdout, `ratio         nDCG@10 ${(ranking.ndcg10 / (bm25.ndcg10 || 1)).toFixed(2)}x  MAP ${(ranking.map / (bm25.map || 1)).toFixed(2)}x`);
    if (perQuery) for (const q of ranking.perQuery) writeLine(io.stdout, `${q.query}\tnDCG@10 ${f(q.ndcg10)}\tAP ${f(q.ap)}\trecall@100 ${f(q.recall100)}\trelevant ${q.relevant}`);
    return EXIT.ok;
  },
};
