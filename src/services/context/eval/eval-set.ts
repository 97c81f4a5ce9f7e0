// A conversational memory benchmark, read into one shape whatever its file
// format (docs/memory.md "Measuring recall on a public benchmark"): each
// conversation is a list of dated turns to remember, and questions asked
// at a date, each naming the turns (evidence) and sessions that hold its
// answer. `octant memory eval` ingests each conversation into a throwaway
// store and scores how well recall finds the evidence (run-eval.ts).
//
// Formats: LongMemEval (longmemeval.ts), LoCoMo (locomo.ts), and ours as
// JSON lines (jsonl.ts, what bench/memory/conversations.ts writes). A
// malformed file is refused as a whole, naming the item and the field.

import { EXIT, OctantError } from '../../../lib/errors.ts';

export const EVAL_FORMATS = ['longmemeval', 'locomo', 'jsonl'] as const;
export type EvalFormat = (typeof EVAL_FORMATS)[number];

export interface EvalTurn {
  /** Unique within its conversation (LoCoMo's dia_id, our turn id, LongMemEval's session index and turn number). */
  id: string;
  /** The session it belongs to (session-level recall). */
  session: string;
  text: string;
  /** ms since epoch: when it was said. */
  at: number;
}

export interface EvalQuestion {
  id: string;
  /** LongMemEval's question_type, LoCoMo's `category N`, our type. */
  type: string;
  text: string;
  /** ms since epoch: when it is asked. */
  at: number;
  /** The turns that hold the answer (ids of this conversation's turns). */
  evidence: string[];
  /** The sessions that hold the answer. */
  sessions: string[];
  /** An abstention question: the answer is in no turn, there is nothing to find. */
  abstain: boolean;
}

export interface EvalConversation {
  id: string;
  turns: EvalTurn[];
  questions: EvalQuestion[];
}

export interface EvalSet {
  format: EvalFormat;
  conversations: EvalConversation[];
  /** Evidence references that name no turn of their conversation (LoCoMo has a few); dropped from the gold. */
  unresolvedEvidence: number;
  /** Turns with no text (nothing to remember); not ingested. */
  emptyTurns: number;
}

/** A malformed benchmark file: names where (item, turn, line) and the field. */
export function formatError(where: string, field: string, message: string): never {
  throw new OctantError('E_MEMORY_EVAL_FORMAT', `memory eval: ${where}: ${field}: ${message}`, { exit: EXIT.failure, detail: { where, field } });
}

export type Fields = Record<string, unknown>;

export function object(value: unknown, where: string, field: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) formatError(where, field, 'expected an object');
  return { ...value };
}

export function text(o: Fields, field: string, where: string): string {
  const value = o[field];
  if (typeof value !== 'string') formatError(where, field, value === undefined ? 'missing (expected text)' : 'expected text');
  return value;
}

export function list(o: Fields, field: string, where: string): unknown[] {
  const value = o[field];
  if (!Array.isArray(value)) formatError(where, field, value === undefined ? 'missing (expected a list)' : 'expected a list');
  return value;
}

export function texts(o: Fields, field: string, where: string): string[] {
  return list(o, field, where).map((v, i) => {
    if (typeof v !== 'string') formatError(where, `${field}[${i}]`, 'expected text');
    return v;
  });
}

/** The format of a benchmark's items: LongMemEval's and LoCoMo's by the first item's fields. */
export function detectArrayFormat(items: readonly unknown[]): 'longmemeval' | 'locomo' {
  const first = items[0];
  if (typeof first === 'object' && first !== null) {
    if ('haystack_sessions' in first || 'question_id' in first) return 'longmemeval';
    if ('conversation' in first || 'qa' in first) return 'locomo';
  }
  formatError('item 0', '(format)', 'has neither LongMemEval fields (question_id, haystack_sessions) nor LoCoMo fields (sample_id, conversation, qa); give --format');
}

export function parseJsonArray(source: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    formatError('file', '(JSON)', error instanceof Error ? error.message : String(error));
  }
  if (!Array.isArray(value)) formatError('file', '(JSON)', 'expected a JSON array of items');
  return value;
}
