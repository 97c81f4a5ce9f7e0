// Relevance judgements (qrels) and runs in the formats trec_eval reads.
// qrels: "query iteration doc relevance" per line (TREC); a run: "query Q0
// doc rank score tag" per line. A judgement's value here is its GAIN: a
// document is relevant when its gain is > 0, as trec_eval counts relevance
// levels >= 1 (its default relevance_level) and ignores grades <= 0.

import { OctantError } from '../../../lib/errors.ts';

/** query id -> document id -> gain (> 0 relevant; 0 judged not relevant). */
export type Qrels = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** query id -> document ids, best first. */
export type Run = ReadonlyMap<string, readonly string[]>;

function badLine(what: string, lineNo: number, line: string): OctantError {
  return new OctantError('E_SEARCH_EVAL_FORMAT', `${what} line ${lineNo}: expected ${what === 'qrels' ? '"query iteration doc relevance"' : '"query Q0 doc rank score tag"'}, got ${JSON.stringify(line.slice(0, 80))}`);
}

/** Parses TREC qrels; a negative grade becomes gain 0 (judged, not relevant). */
export function parseTrecQrels(text: string): Qrels {
  const out = new Map<string, Map<string, number>>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split(/\s+/);
    const grade = Number(parts[3]);
    if (parts.length !== 4 || !Number.isFinite(grade)) throw badLine('qrels', i + 1, line);
    const [query, , doc] = parts;
    let docs = out.get(query);
    if (docs === undefined) out.set(query, docs = new Map());
    docs.set(doc, Math.max(0, grade));
  });
  return out;
}

/**
 * Parses a TREC run. Each query's documents are ordered as trec_eval orders
 * them: by score, descending, ties broken by document id, descending (its
 * rank column is ignored, as trec_eval ignores it).
 */
export function parseTrecRun(text: string): Run {
  const rows = new Map<string, { doc: string; score: number }[]>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split(/\s+/);
    const score = Number(parts[4]);
    if (parts.length < 5 || !Number.isFinite(score)) throw badLine('run', i + 1, line);
    let list = rows.get(parts[0]);
    if (list === undefined) rows.set(parts[0], list = []);
    list.push({ doc: parts[2], score });
  });
  const out = new Map<string, string[]>();
  for (const [query, list] of rows) {
    list.sort((a, b) => b.score - a.score || (a.doc < b.doc ? 1 : a.doc > b.doc ? -1 : 0));
    out.set(query, list.map((r) => r.doc));
  }
  return out;
}

/** Writes a run as TREC run lines; the score is the reverse rank, so any reader keeps this order. */
export function formatTrecRun(run: Run, tag: string): string {
  const lines: string[] = [];
  for (const [query, docs] of run) {
    docs.forEach((doc, i) => lines.push(`${query} Q0 ${doc} ${i + 1} ${docs.length - i} ${tag}`));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
