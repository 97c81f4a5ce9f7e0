import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prng } from '../../lib/seeded-random.ts';
import { DEFAULT_RULE, manifestRuleFor, MAX_DEBATE_ROUNDS, readPolicy, readRule, ruleFor, stricter, stricterPartial } from './rules.ts';
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

test('property: stricterPartial is commutative, associative, idempotent, and never looser than either side', () => {
  const rand = prng(11);
  const maybe = <T>(v: T): T | undefined => (rand() < 0.4 ? undefined : v);
  const random = (): Partial<Rule> => Object.fromEntries(Object.entries({
    threshold: maybe(THRESHOLDS[Math.floor(rand() * 3)]), quorum: maybe(1 + Math.floor(rand() * 5)), veto: maybe(rand()), escalateRisk: maybe(rand()), debate: maybe(Math.floor(rand() * 4)),
  }).filter(([, v]) => v !== undefined));
  for (let i = 0; i < 2000; i++) {
    const [a, b, c] = [random(), random(), random()];
    assert.deepEqual(stricterPartial(a, b), stricterPartial(b, a));
    assert.deepEqual(stricterPartial(stricterPartial(a, b), c), stricterPartial(a, stricterPartial(b, c)));
    assert.deepEqual(stricterPartial(a, a), a);
    const m = stricterPartial(a, b);
    for (const side of [a, b]) {
      if (side.quorum !== undefined) assert.ok(m.quorum! >= side.quorum);
      if (side.veto !== undefined) assert.ok(m.veto! <= side.veto);
      if (side.escalateRisk !== undefined) assert.ok(m.escalateRisk! <= side.escalateRisk);
    }
  }
});

test('a manifest rule for a class: its "*" rule and the class rule, the stricter of each', () => {
  assert.deepEqual(manifestRuleFor(undefined, 'fs.write'), {});
  assert.deepEqual(manifestRuleFor({ '*': { veto: 0.5, quorum: 2 }, 'fs.write': { veto: 0.7, quorum: 3 } }, 'fs.write'), { veto: 0.5, quorum: 3 });
  assert.deepEqual(manifestRuleFor({ 'fs.write': { threshold: 'unanimous' } }, 'net.request'), {});
});
