import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OctantError } from '../../../lib/errors.ts';
import { locomoDate, longMemEvalDate, isoOrMs } from './dates.ts';
import { evalLines } from './jsonl.ts';
import { readEvalSet } from './read-eval-set.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
// A fixture parsed, for each case to spoil freely.
type Item = Record<string, any>;
const items = (name: string): Item[] => JSON.parse(fixture(name));

/** Refused with E_MEMORY_EVAL_FORMAT, the message naming where and which field. */
function refused(source: string, where: string, field: string, format?: 'longmemeval' | 'locomo' | 'jsonl'): void {
  assert.throws(() => readEvalSet(source, format), (e: unknown) => {
    assert.ok(e instanceof OctantError, String(e));
    assert.equal(e.code, 'E_MEMORY_EVAL_FORMAT');
    assert.ok(e.message.includes(where), `${e.message} names ${where}`);
    assert.ok(e.message.includes(`: ${field}: `), `${e.message} names the field ${field}`);
    return true;
  });
}

test('LongMemEval: every turn remembered with its session date, has_answer turns as evidence, _abs as abstention', () => {
  const set = readEvalSet(fixture('longmemeval.json'));
  assert.equal(set.format, 'longmemeval');
  assert.equal(set.conversations.length, 3);
  const [first, abs, multi] = set.conversations;
  assert.equal(first.turns.length, 6);
  assert.deepEqual(first.turns[2], { id: '1:1', session: 'answer_fx-s2', text: 'My sister moved to Tampere last week, she loves the lakes there.', at: Date.UTC(2024, 1, 11, 18, 40) });
  assert.equal(first.turns[3].at, Date.UTC(2024, 1, 11, 18, 40) + 1000, 'turns of a session one second apart');
  assert.deepEqual(first.questions[0], { id: 'fx-001', type: 'single-session-user', text: 'Which city did I say my sister moved to?', at: Date.UTC(2024, 2, 10, 9, 0), evidence: ['1:1'], sessions: ['answer_fx-s2'], abstain: false });
  assert.equal(abs.questions[0].abstain, true);
  assert.deepEqual(multi.questions[0].evidence, ['0:1', '2:1']);
});

test('LongMemEval: a malformed item is refused naming the item and the field', () => {
  const cases: [string, (item: Item) => void, string][] = [
    ['question_id', (i) => { delete i.question_id; }, 'item 1'],
    ['question_date', (i) => { i.question_date = 'yesterday'; }, 'item 1 (question_id "fx-002_abs")'],
    ['haystack_dates', (i) => { i.haystack_dates = []; }, 'item 1'],
    ['haystack_sessions', (i) => { i.haystack_sessions = []; }, 'item 1'],
    ['haystack_sessions[0]', (i) => { i.haystack_sessions = JSON.parse('["not a session"]'); }, 'item 1'],
    ['role', (i) => { i.haystack_sessions[0][1].role = 'system'; }, 'item 1 (question_id "fx-002_abs") haystack_sessions[0][1]'],
    ['content', (i) => { delete i.haystack_sessions[0][0].content; }, 'haystack_sessions[0][0]'],
    ['has_answer', (i) => { i.haystack_sessions[0][0].has_answer = 'yes'; }, 'haystack_sessions[0][0]'],
    ['haystack_dates[0]', (i) => { i.haystack_dates[0] = '2024/02/30 (Fri) 20:30'; }, 'item 1'],
    ['answer_session_ids', (i) => { delete i.answer_session_ids; }, 'item 1'],
    ['question_id', (i) => { i.question_id = 'fx-001'; }, 'item 1'],
  ];
  for (const [field, spoil, where] of cases) {
    const list = items('longmemeval.json');
    spoil(list[1]);
    refused(JSON.stringify(list), where, field);
  }
});

test('LoCoMo: speakers and image captions in the text, evidence cleaned, unknown references dropped and counted, category 5 abstains', () => {
  const set = readEvalSet(fixture('locomo.json'));
  assert.equal(set.format, 'locomo');
  const [c] = set.conversations;
  assert.equal(c.id, 'fx-conv-1');
  assert.equal(c.turns.length, 8, 'the empty turn D3:3 is not remembered');
  assert.equal(set.emptyTurns, 1);
  assert.deepEqual(c.turns[0], { id: 'D1:1', session: 'session_1', text: 'Marisol: I signed up for an evening pottery class at the community centre.', at: Date.UTC(2023, 2, 2, 16, 5) });
  assert.equal(c.turns.find((t) => t.id === 'D3:2')?.text, 'Marisol: Look what I made! [shares a photo of a blue clay vase on a wooden table]');
  const last = Date.UTC(2023, 3, 6, 19, 15) + 1000;
  assert.deepEqual(c.questions[2], { id: 'fx-conv-1/2', type: 'category 2', text: 'When did Marisol sign up for a pottery class?', at: last + 60_000, evidence: ['D1:1'], sessions: ['session_1'], abstain: false });
  assert.equal(set.unresolvedEvidence, 1, 'D9:9 names no turn');
  assert.deepEqual(c.questions[1].sessions, ['session_1', 'session_3']);
  assert.equal(c.questions[4].abstain, true);
  // Two ids in one string, as the published file has a few: both kept.
  const list = items('locomo.json');
  list[0].qa[0].evidence = ['D2:1; D3:1'];
  assert.deepEqual(readEvalSet(JSON.stringify(list)).conversations[0].questions[0].evidence, ['D2:1', 'D3:1']);
});

test('LoCoMo: a malformed sample is refused naming the item and the field', () => {
  const cases: [string, (item: Item) => void, string][] = [
    ['conversation', (i) => { delete i.conversation; }, 'item 0 (sample_id "fx-conv-1")'],
    ['speaker_b', (i) => { delete i.conversation.speaker_b; }, 'item 0 (sample_id "fx-conv-1") conversation'],
    ['conversation.session_2_date_time', (i) => { i.conversation.session_2_date_time = '19/03/2023'; }, 'item 0'],
    ['session_2_date_time', (i) => { delete i.conversation.session_2_date_time; }, 'conversation'],
    ['dia_id', (i) => { delete i.conversation.session_1[1].dia_id; }, 'conversation.session_1[1]'],
    ['dia_id', (i) => { i.conversation.session_2[0].dia_id = 'D1:1'; }, 'conversation.session_2[0]'],
    ['category', (i) => { i.qa[0].category = 'single-hop'; }, 'qa[0]'],
    ['evidence', (i) => { delete i.qa[1].evidence; }, 'qa[1]'],
    ['evidence[0]', (i) => { i.qa[1].evidence = [3]; }, 'qa[1]'],
    ['qa', (i) => { delete i.qa; }, 'item 0'],
  ];
  for (const [field, spoil, where] of cases) {
    const list = items('locomo.json');
    spoil(list[0]);
    refused(JSON.stringify(list), where, field, 'locomo');
  }
});

test('JSON lines: read, written back the same, and refused naming the line and field', () => {
  const set = readEvalSet(fixture('conversations.jsonl'));
  assert.equal(set.format, 'jsonl');
  assert.deepEqual(set.conversations.map((c) => [c.id, c.turns.length, c.questions.length]), [['c1', 5, 2], ['c2', 2, 2]]);
  const q2 = set.conversations[0].questions[1];
  assert.deepEqual(q2.sessions, ['s1'], 'sessions default to those of the evidence');
  assert.equal(set.conversations[0].turns[4].at, 1736928000000);
  assert.equal(set.conversations[1].questions[0].evidence[0], 't2', 'evidence may name a turn on a later line');
  assert.deepEqual(readEvalSet(evalLines(set.conversations).join('\n')), set);

  const lines = fixture('conversations.jsonl').trimEnd().split('\n');
  const spoilt = (n: number, edit: (r: Record<string, unknown>) => void): string => {
    const copy = [...lines];
    const record = JSON.parse(copy[n]);
    edit(record);
    copy[n] = JSON.stringify(record);
    return copy.join('\n');
  };
  refused(lines.map((l, i) => (i === 2 ? '{"kind":' : l)).join('\n'), 'line 3', '(line)');
  refused(spoilt(0, (r) => { r.kind = 'note'; }), 'line 1', 'kind');
  refused(spoilt(0, (r) => { r.at = 'last tuesday'; }), 'line 1', 'at');
  refused(spoilt(1, (r) => { delete r.conversation; }), 'line 2', 'conversation');
  refused(spoilt(5, (r) => { r.evidence = ['s9t9']; }), 'line 6', 'evidence[0]');
  refused(spoilt(8, (r) => { r.abstain = 'yes'; }), 'line 9', 'abstain');
  refused(spoilt(3, (r) => { r.id = 's1t0'; }), 'line 4', 'id');
});

test('the format is detected from the text; an array of neither kind is refused', () => {
  refused('[{"title": "x"}]', 'item 0', '(format)');
  refused('[]', 'file', '(JSON)');
  refused('[{"question_id": ', 'file', '(JSON)');
  refused('"text"', 'file', '(JSON)');
  // A format given is the one read: LoCoMo read as LongMemEval lacks its fields.
  refused(fixture('locomo.json'), 'item 0', 'question_id', 'longmemeval');
});

test('the benchmarks\' dates', () => {
  assert.equal(longMemEvalDate('2023/05/20 (Sat) 02:21'), Date.UTC(2023, 4, 20, 2, 21));
  assert.equal(longMemEvalDate('2023/05/20'), Date.UTC(2023, 4, 20));
  assert.equal(longMemEvalDate('2023/04/31 (Mon) 10:00'), undefined);
  assert.equal(longMemEvalDate('2023/05/20 (Sat) 24:00'), undefined);
  assert.equal(locomoDate('1:56 pm on 8 May, 2023'), Date.UTC(2023, 4, 8, 13, 56));
  assert.equal(locomoDate('12:05 am on 1 January, 2024'), Date.UTC(2024, 0, 1, 0, 5));
  assert.equal(locomoDate('12:05 pm on 1 Jan, 2024'), Date.UTC(2024, 0, 1, 12, 5));
  assert.equal(locomoDate('13:05 pm on 1 January, 2024'), undefined);
  assert.equal(locomoDate('1:56 pm on 8 Mai, 2023'), undefined);
  assert.equal(isoOrMs('2025-01-02T09:00:00Z'), Date.UTC(2025, 0, 2, 9));
  assert.equal(isoOrMs('2025-01-02'), Date.UTC(2025, 0, 2));
  assert.equal(isoOrMs(-1), undefined);
  assert.equal(isoOrMs('soon'), undefined);
});
