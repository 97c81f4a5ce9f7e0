// LoCoMo (Maharana et al., "Evaluating Very Long-Term Conversational Memory
// of LLM Agents", ACL 2024; github.com/snap-research/locomo, data/locomo10.json):
// a JSON array of samples, each one conversation between two speakers and
// its questions:
//   sample_id, conversation {speaker_a, speaker_b, session_N: [{speaker,
//   dia_id ("D1:3": session 1, turn 3), text, img_url?, blip_caption?}],
//   session_N_date_time ("1:56 pm on 8 May, 2023")}, qa [{question, answer,
//   evidence ["D1:3", ...], category}].
// Category 5 questions are adversarial (their answer is in no turn: the
// benchmark's task_eval/evaluation.py scores them by the model saying it is
// not mentioned): they are abstention questions here. A shared image is
// remembered by its caption, "[shares <caption>]", the way the benchmark's
// own scripts render a turn (task_eval/evaluation_stats.py). Evidence is
// cleaned as those scripts do (parentheses dropped, empty entries skipped);
// entries that name no turn of the conversation (the file has a few, some
// with two ids in one string: "D8:6; D9:17") are split, and what still names
// no turn is dropped from the gold and counted. Questions carry no date: they
// are asked one minute after the conversation's last turn.

import { locomoDate } from './dates.ts';
import { formatError, list, object, text, type EvalConversation, type EvalQuestion, type EvalTurn } from './eval-set.ts';

export interface LocomoCounts {
  emptyTurns: number;
  unresolvedEvidence: number;
}

export function readLocomo(samples: readonly unknown[], counts: LocomoCounts): EvalConversation[] {
  const seen = new Set<string>();
  return samples.map((raw, index) => {
    let where = `item ${index}`;
    const sample = object(raw, where, '(item)');
    const id = typeof sample.sample_id === 'number' ? String(sample.sample_id) : text(sample, 'sample_id', where);
    where = `item ${index} (sample_id ${JSON.stringify(id.slice(0, 64))})`;
    if (seen.has(id)) formatError(where, 'sample_id', 'the same id as an earlier item');
    seen.add(id);
    const conversation = object(sample.conversation, where, 'conversation');
    text(conversation, 'speaker_a', `${where} conversation`);
    text(conversation, 'speaker_b', `${where} conversation`);
    const sessionNumbers = Object.keys(conversation).flatMap((key) => {
      const m = /^session_(\d+)$/.exec(key);
      return m === null ? [] : [Number(m[1])];
    }).sort((a, b) => a - b);
    if (sessionNumbers.length === 0) formatError(where, 'conversation', 'has no session_N');
    const turns: EvalTurn[] = [];
    const byDiaId = new Map<string, EvalTurn>();
    let last = 0;
    for (const n of sessionNumbers) {
      const field = `conversation.session_${n}`;
      const session = list(conversation, `session_${n}`, `${where} conversation`);
      if (session.length === 0) continue;
      const stamp = text(conversation, `session_${n}_date_time`, `${where} conversation`);
      const at = locomoDate(stamp);
      if (at === undefined) formatError(where, `conversation.session_${n}_date_time`, `${JSON.stringify(stamp.slice(0, 40))} is not a date like "1:56 pm on 8 May, 2023"`);
      session.forEach((rawTurn, t) => {
        const turnWhere = `${where} ${field}[${t}]`;
        const turn = object(rawTurn, turnWhere, '(turn)');
        const speaker = text(turn, 'speaker', turnWhere);
        const diaId = text(turn, 'dia_id', turnWhere);
        const said = text(turn, 'text', turnWhere);
        if (byDiaId.has(diaId)) formatError(turnWhere, 'dia_id', `${JSON.stringify(diaId)} names an earlier turn too`);
        const caption = typeof turn.blip_caption === 'string' && turn.blip_caption.trim() !== '' ? ` [shares ${turn.blip_caption}]` : '';
        if (said.trim() === '' && caption === '') {
          counts.emptyTurns++;
          return;
        }
        // Turns of a session share its date-time: one second apart keeps their order.
        const remembered: EvalTurn = { id: diaId, session: `session_${n}`, text: `${speaker}: ${said}${caption}`, at: at + t * 1000 };
        turns.push(remembered);
        byDiaId.set(diaId, remembered);
        last = Math.max(last, remembered.at);
      });
    }
    const askedAt = last + 60_000;
    const questions = list(sample, 'qa', where).map((rawQa, q): EvalQuestion => {
      const qaWhere = `${where} qa[${q}]`;
      const qa = object(rawQa, qaWhere, '(question)');
      const question = text(qa, 'question', qaWhere);
      const category = qa.category;
      if (typeof category !== 'number' || !Number.isInteger(category)) formatError(qaWhere, 'category', 'expected an integer');
      const abstain = category === 5;
      // Adversarial questions may come without evidence; every other needs the list.
      const rawEvidence = qa.evidence === undefined && abstain ? [] : list(qa, 'evidence', qaWhere);
      const evidence: string[] = [];
      rawEvidence.forEach((e, i) => {
        if (typeof e !== 'string') formatError(qaWhere, `evidence[${i}]`, 'expected a turn id like "D1:3"');
        for (const ref of e.replace(/[()]/g, '').split(/[;,\s]+/)) {
          if (ref === '') continue;
          if (byDiaId.has(ref)) {
            if (!evidence.includes(ref)) evidence.push(ref);
          } else counts.unresolvedEvidence++;
        }
      });
      const sessions = [...new Set(evidence.map((ref) => byDiaId.get(ref)!.session))];
      return { id: `${id}/${q}`, type: `category ${category}`, text: question, at: askedAt, evidence, sessions, abstain };
    });
    return { id, turns, questions };
  });
}
