// One entry for every benchmark format: the format given, or detected from
// the text (JSON lines start with an object; LongMemEval and LoCoMo are
// JSON arrays, told apart by their first item's fields).

import { readFileSync } from 'node:fs';
import { EXIT, OctantError, messageOf } from '../../../lib/errors.ts';
import { detectArrayFormat, formatError, parseJsonArray, type EvalFormat, type EvalSet } from './eval-set.ts';
import { readJsonLines } from './jsonl.ts';
import { readLocomo } from './locomo.ts';
import { readLongMemEval } from './longmemeval.ts';

export function readEvalSet(source: string, format?: EvalFormat): EvalSet {
  const counts = { emptyTurns: 0, unresolvedEvidence: 0 };
  const chosen = format ?? (source.trimStart().startsWith('{') ? 'jsonl' : undefined);
  if (chosen === 'jsonl') return { format: 'jsonl', conversations: readJsonLines(source), ...counts };
  const items = parseJsonArray(source);
  if (items.length === 0) formatError('file', '(JSON)', 'an empty list: no conversation to measure');
  const as = chosen ?? detectArrayFormat(items);
  const conversations = as === 'longmemeval' ? readLongMemEval(items, counts) : readLocomo(items, counts);
  return { format: as, conversations, ...counts };
}

export function readEvalFile(path: string, format?: EvalFormat): EvalSet {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OctantError('E_MEMORY_EVAL_FILE', `memory eval: cannot read ${path}: ${messageOf(error)}`, { exit: EXIT.unavailable });
  }
  return readEvalSet(source, format);
}
