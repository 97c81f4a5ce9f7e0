import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ballotOf, parseBallotText } from './ballot.ts';
import type { Voter } from './types.ts';

const voter: Voter = { name: 'judge', model: 'small', weight: 2, family: 'acme' };

test('a well-formed ballot (bare or in one json fence) is read', () => {
  const b = ballotOf(voter, 0, '{"vote":"reject","risk":0.4,"rationale":"writes outside its task"}');
  assert.deepEqual([b.vote, b.risk, b.rationale, b.weight, b.fault], ['reject', 0.4, 'writes outside its task', 2, undefined]);
  assert.equal(ballotOf(voter, 1, '```json\n{"vote":"approve","risk":0,"rationale":"ok"}\n```').vote, 'approve');
});

test('malformed answers are abstentions that say why, each refused shape named', () => {
  const cases: [string, RegExp][] = [
    ['I approve this action.', /not a JSON object/],
    ['["approve"]', /not a JSON object/],
    ['{"vote":"approve","risk":0.1,"rationale":"x","weight":100}', /unknown field "weight"/],
    ['{"vote":"APPROVE","risk":0.1,"rationale":"x"}', /vote must be/],
    ['{"vote":"approve","risk":-0.1,"rationale":"x"}', /risk must be/],
    ['{"vote":"approve","risk":"0","rationale":"x"}', /risk must be/],
    ['{"vote":"approve","risk":0.1}', /rationale must be a string/],
    [`{"vote":"approve","risk":0.1,"rationale":"${'x'.repeat(601)}"}`, /rationale longer/],
    ['{"vote":"approve","risk":0.1,"rationale":"x"} {"vote":"approve","risk":0,"rationale":"y"}', /not a JSON object/],
    ['x'.repeat(9000), /longer than/],
  ];
  for (const [text, why] of cases) {
    const b = ballotOf(voter, 0, text);
    assert.equal(b.vote, 'abstain', text.slice(0, 60));
    assert.match(b.fault ?? '', why, text.slice(0, 60));
  }
});

test('control and bidi characters in a rationale are blanked (it is shown to operators and voters)', () => {
  const parsed = parseBallotText(JSON.stringify({ vote: 'approve', risk: 0, rationale: 'fine\u001b[2J\u202eevil\n' }));
  assert.ok(parsed.ok);
  assert.equal(parsed.ok && parsed.rationale, 'fine [2J evil');
});
