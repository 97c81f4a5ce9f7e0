// LongMemEval (Wu et al., "LongMemEval: Benchmarking Chat Assistants on
// Long-Term Interactive Memory", ICLR 2025; github.com/xiaowu0162/LongMemEval,
// files longmemeval_s / longmemeval_oracle): a JSON array of items, each one
// question with its own haystack of chat sessions:
//   question_id (ids ending `_abs` are abstention questions), question_type,
//   question, answer, question_date, haystack_session_ids, haystack_dates,
//   haystack_sessions (a list of sessions, each a list of turns
//   {role: user|assistant, content, has_answer?}), answer_session_ids.
// The evidence of a question is the turns marked has_answer: true, as in the
// benchmark's own retrieval evaluation (src/retrieval/run_retrieval.py:
// turn-level labels come from has_answer); sessions are answer_session_ids.
// Unlike that script, which indexes user turns only, every turn is
// remembered here (an assistant's memory holds what it said too), so an
// answer the assistant gave can be found.

import { longMemEvalDate } from './dates.ts';
import { formatError, list, object, text, texts, type EvalConversation, type EvalTurn } from './eval-set.ts';

export interface ReadCounts {
  emptyTurns: number;
}

function date(value: string, where: string, field: string): number {
  const t = longMemEvalDate(value);
  if (t === undefined) formatError(where, field, `${JSON.stringify(value.slice(0, 40))} is not a date like "2023/05/20 (Sat) 02:21"`);
  return t;
}

export function readLongMemEval(items: readonly unknown[], counts: ReadCounts): EvalConversation[] {
  const seen = new Set<string>();
  return items.map((raw, index) => {
    let where = `item ${index}`;
    const item = object(raw, where, '(item)');
    const id = text(item, 'question_id', where);
    where = `item ${index} (question_id ${JSON.stringify(id.slice(0, 64))})`;
    if (seen.has(id)) formatError(where, 'question_id', 'the same id as an earlier item');
    seen.add(id);
    const type = text(item, 'question_type', where);
    const question = text(item, 'question', where);
    const askedAt = date(text(item, 'question_date', where), where, 'question_date');
    const sessionIds = texts(item, 'haystack_session_ids', where);
    const dates = texts(item, 'haystack_dates', where);
    const sessions = list(item, 'haystack_sessions', where);
    if (dates.length !== sessionIds.length) formatError(where, 'haystack_dates', `${dates.length} dates for ${sessionIds.length} haystack_session_ids`);
    if (sessions.length !== sessionIds.length) formatError(where, 'haystack_sessions', `${sessions.length} sessions for ${sessionIds.length} haystack_session_ids`);
    const answerSessions = texts(item, 'answer_session_ids', where);
    const turns: EvalTurn[] = [];
    const evidence: string[] = [];
    sessions.forEach((session, s) => {
      const field = `haystack_sessions[${s}]`;
      if (!Array.isArray(session)) formatError(where, field, 'expected a list of turns');
      const at = date(dates[s], where, `haystack_dates[${s}]`);
      session.forEach((rawTurn: unknown, t: number) => {
        const turnField = `${field}[${t}]`;
        const turn = object(rawTurn, where, turnField);
        const role = text(turn, 'role', `${where} ${turnField}`);
        if (role !== 'user' && role !== 'assistant') formatError(`${where} ${turnField}`, 'role', `expected user or assistant, not ${JSON.stringify(role.slice(0, 20))}`);
        const content = text(turn, 'content', `${where} ${turnField}`);
        if (turn.has_answer !== undefined && typeof turn.has_answer !== 'boolean') formatError(`${where} ${turnField}`, 'has_answer', 'expected true or false');
        // Session index and turn number: haystack session ids are not guaranteed unique across an item.
        const turnId = `${s}:${t + 1}`;
        if (content.trim() === '') {
          counts.emptyTurns++;
          return;
        }
        if (turn.has_answer === true) evidence.push(turnId);
        // Turns of a session share its minute: one second apart keeps their order.
        turns.push({ id: turnId, session: sessionIds[s], text: content, at: at + t * 1000 });
      });
    });
    return {
      id,
      turns,
      questions: [{ id, type, text: question, at: askedAt, evidence, sessions: answerSessions, abstain: id.endsWith('_abs') }],
    };
  });
}
