// Our conversational memory set as JSON lines, one record a line, so any
// set can be measured the way the public ones are (`octant memory eval
// FILE --format jsonl`); bench/memory/conversations.ts writes it:
//   {"kind":"turn","conversation":"c1","id":"s0t0","session":"s0","text":"...","at":1735689600000}
//   {"kind":"question","conversation":"c1","id":"q1","type":"single-hop","text":"...",
//    "at":"2025-11-01T00:00:00Z","evidence":["s0t0"],"abstain":false}
// `at` is ms since epoch or an ISO 8601 date-time; `sessions` (optional) names
// the sessions holding the answer, default those of the evidence turns;
// `abstain` (optional, default false) marks a question with no answer to
// find. Evidence must name turns of the same conversation. Errors name the line.

import { isoOrMs } from './dates.ts';
import { formatError, object, text, texts, type EvalConversation, type EvalQuestion, type EvalTurn } from './eval-set.ts';

export type TurnRecord = { kind: 'turn'; conversation: string } & EvalTurn;
export type QuestionRecord = { kind: 'question'; conversation: string } & Omit<EvalQuestion, 'sessions' | 'abstain'> & { sessions?: string[]; abstain?: boolean };

/** The lines of a set (a record per turn, then per question, conversation by conversation). */
export function evalLines(conversations: readonly EvalConversation[]): string[] {
  return conversations.flatMap((c) => [
    ...c.turns.map((t) => JSON.stringify({ kind: 'turn', conversation: c.id, ...t } satisfies TurnRecord)),
    ...c.questions.map((q) => JSON.stringify({ kind: 'question', conversation: c.id, ...q } satisfies QuestionRecord)),
  ]);
}

function time(o: Record<string, unknown>, where: string): number {
  const t = isoOrMs(o.at);
  if (t === undefined) formatError(where, 'at', o.at === undefined ? 'missing (ms since epoch or an ISO 8601 date-time)' : 'expected ms since epoch or an ISO 8601 date-time');
  return t;
}

export function readJsonLines(source: string): EvalConversation[] {
  const conversations = new Map<string, EvalConversation & { turnIds: Map<string, EvalTurn>; questionLines: Map<EvalQuestion, number> }>();
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      formatError(where, '(line)', 'not JSON');
    }
    const record = object(value, where, '(line)');
    const conversationId = text(record, 'conversation', where);
    let c = conversations.get(conversationId);
    if (c === undefined) {
      c = { id: conversationId, turns: [], questions: [], turnIds: new Map(), questionLines: new Map() };
      conversations.set(conversationId, c);
    }
    const id = text(record, 'id', where);
    const said = text(record, 'text', where);
    if (record.kind === 'turn') {
      if (c.turnIds.has(id)) formatError(where, 'id', `turn ${JSON.stringify(id)} appears twice in conversation ${JSON.stringify(conversationId)}`);
      const turn: EvalTurn = { id, session: text(record, 'session', where), text: said, at: time(record, where) };
      c.turnIds.set(id, turn);
      c.turns.push(turn);
    } else if (record.kind === 'question') {
      if (record.abstain !== undefined && typeof record.abstain !== 'boolean') formatError(where, 'abstain', 'expected true or false');
      const question: EvalQuestion = {
        id, type: text(record, 'type', where), text: said, at: time(record, where),
        evidence: texts(record, 'evidence', where),
        sessions: record.sessions === undefined ? [] : texts(record, 'sessions', where),
        abstain: record.abstain === true,
      };
      c.questions.push(question);
      c.questionLines.set(question, i + 1);
    } else formatError(where, 'kind', 'expected "turn" or "question"');
  });
  if (conversations.size === 0) formatError('file', '(lines)', 'no records');
  // Evidence is checked once every turn is read: a question may come first.
  return [...conversations.values()].map(({ id, turns, questions, turnIds, questionLines }) => {
    for (const q of questions) {
      q.evidence.forEach((ref, n) => {
        if (!turnIds.has(ref)) formatError(`line ${questionLines.get(q)}`, `evidence[${n}]`, `${JSON.stringify(ref)} is no turn of conversation ${JSON.stringify(id)}`);
      });
      if (q.sessions.length === 0) q.sessions = [...new Set(q.evidence.map((ref) => turnIds.get(ref)!.session))];
    }
    return { id, turns, questions };
  });
}
