import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choiceFlag, integerFlag, parseCommandArgs } from './args.ts';

const options = { k: { type: 'string' }, format: { type: 'string' } } as const;
const parse = (...argv: string[]) => parseCommandArgs('cmd', argv, options);

test('integerFlag refuses a fraction, a number out of range and a non-number, naming the flag', () => {
  for (const k of ['2.5', '0', '1001', 'ten']) {
    assert.throws(() => integerFlag(parse('--k', k), 'k', 'cmd', 1, 1000), (e: Error & { code?: string }) => e.code === 'E_USAGE' && /cmd: --k expects/.test(e.message), k);
  }
});

test('twin: integerFlag returns an integer in range, and undefined when absent', () => {
  assert.equal(integerFlag(parse('--k', '1000'), 'k', 'cmd', 1, 1000), 1000);
  assert.equal(integerFlag(parse(), 'k', 'cmd', 1, 1000), undefined);
});

test('choiceFlag refuses a value not among the choices, naming the flag and the choices, with the value made safe to print', () => {
  assert.throws(() => choiceFlag(parse('--format', 'csv\u001b[2J'), 'format', 'cmd', ['json', 'jsonl']), (e: Error & { code?: string }) => e.code === 'E_USAGE' && /cmd: --format must be one of json, jsonl/.test(e.message) && !e.message.includes('\u001b'));
});

test('twin: choiceFlag returns a listed value, and undefined when absent', () => {
  assert.equal(choiceFlag(parse('--format', 'jsonl'), 'format', 'cmd', ['json', 'jsonl']), 'jsonl');
  assert.equal(choiceFlag(parse(), 'format', 'cmd', ['json', 'jsonl']), undefined);
});
