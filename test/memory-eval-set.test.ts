// The generated conversation set (bench/memory/conversations.ts) written as
// the evaluation's JSON lines reads back as the same turns and questions, so
// `octant memory eval` measures the set the benches measure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationLines, generateConversations } from '../bench/memory/conversations.ts';
import { readEvalSet } from '../src/services/context/api.ts';

test('the generated set as JSON lines reads back whole', () => {
  const set = generateConversations({ sessions: 60, seed: 3, people: 12 });
  const read = readEvalSet(conversationLines(set).join('\n'));
  assert.equal(read.format, 'jsonl');
  const [c] = read.conversations;
  assert.deepEqual(c.turns.map((t) => [t.id, t.text, t.at]), set.turns.map((t) => [t.id, t.text, t.at]));
  assert.deepEqual(c.questions.map((q) => [q.type, q.text, q.evidence]), set.questions.map((q) => [q.type, q.text, q.gold]));
  const session = new Map(set.turns.map((t) => [t.id, `s${t.session}`]));
  for (const [i, q] of c.questions.entries()) assert.deepEqual(q.sessions, [...new Set(set.questions[i].gold.map((g) => session.get(g)))]);
});
