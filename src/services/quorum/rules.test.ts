import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prng } from '../../lib/seeded-random.ts';
import { DEFAULT_RULE, MAX_DEBATE_ROUNDS, readPolicy, readRule, ruleFor, stricter } from './rules.ts';
import { THRESHOLDS, type Rule } from './types.ts';

test('a manifest can make a rule stricter, never looser', () => {
  const policy = readPolicy({ default: { threshold: 'majority', quorum: 2 }, 'fs.delete': { threshold: 'unanimous', veto: 0.5 } });
  assert.equal(ruleFor(policy, 'fs.write').threshold, 'majority');
  assert.equal(ruleFor(policy, 'fs.delete').threshold, 'unanimous');
  const loose = ruleFor(policy, 'fs.delete', { threshold: 'majority', quorum: 1, veto: 1, escalateRisk: 1 });
  assert.deepEqual(loose, { ...policy.actions['fs.delete'] });
  const strict = ruleFor(policy, 'fs.write', { threshold: 'two-thirds', quorum: 3, veto: 0.3, escalateRisk: 0.2, debate: 9 });
  assert.deepEqual(strict, { threshold: 'two-thirds', quorum: 3, veto: 0.3, escalateRisk: 0.2, debate: MAX_DEBATE_ROUNDS });
});

test('property: stricter is commutative, associative and idempotent', () => {
  const rand = prng(7);
  const random = (): Rule => ({ threshold: THRESHOLDS[Math.floor(rand() * 3)], quorum: 1 + Math.floor(rand() * 5), veto: rand(), escalateRisk: rand(), debate: Math.floor(rand() * 4) });
  for (let i = 0; i < 2000; i++) {
    const [a, b, c] = [random(), random(), random()];
    assert.deepEqual(stricter(a, b), stricter(b, a));
    assert.deepEqual(stricter(stricter(a, b), c), stricter(a, stricter(b, c)));
    assert.deepEqual(stricter(a, a), a);
  }
});

test('bad rules are refused naming the field; no configuration means the default rule', () => {
  assert.deepEqual(readPolicy(undefined).default, DEFAULT_RULE);
  assert.throws(() => readRule({ threshold: 'most' }, 'governance.quorum.fs.write'), /governance\.quorum\.fs\.write\.threshold: must be one of majority/);
  assert.throws(() => readRule({ veto: 2 }, 'r'), /r\.veto: must be a number from 0 to 1/);
  assert.throws(() => readRule({ quorum: 0 }, 'r'), /r\.quorum: must be an integer/);
  assert.throws(() => readRule({ debate: 4 }, 'r'), /r\.debate: must be an integer from 0 to 3/);
  assert.throws(() => readRule({ approveAlways: true }, 'r'), (e: any) => e.code === 'E_QUORUM_RULE' && /r\.approveAlways: unknown field/.test(e.message));
  assert.throws(() => readPolicy([], 'services.quorum.rules'), /services\.quorum\.rules: must be an object/);
});
