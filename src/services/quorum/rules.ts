// Which rule counts the ballots of a proposal: the system policy's rule for
// the action class (or its default), made stricter (never looser) by what the
// agent's manifest asks for in governance.quorum. Pure.

import { EXIT, OctantError } from '../../lib/errors.ts';
import { THRESHOLDS, type Rule, type Threshold } from './types.ts';

/** Debate rounds are bounded by the system whatever a rule asks (each round costs one call per voter). */
export const MAX_DEBATE_ROUNDS = 3;

/** The system's default when no policy is configured: two-thirds, two ballots at least, a veto at 0.8, a human above 0.7. */
export const DEFAULT_RULE: Rule = { threshold: 'two-thirds', quorum: 2, veto: 0.8, escalateRisk: 0.7, debate: 1 };

export interface SystemPolicy {
  default: Rule;
  /** Rules by action class ("fs.write", "net.request", ...). */
  actions: Record<string, Rule>;
}

const RANK: Record<Threshold, number> = { majority: 0, 'two-thirds': 1, unanimous: 2 };

function stricterThreshold(a: Threshold, b: Threshold): Threshold {
  return RANK[a] >= RANK[b] ? a : b;
}

type Pick<T> = (a: T, b: T) => T;

function either<T>(a: T | undefined, b: T | undefined, pick: Pick<T>): T | undefined {
  return a === undefined ? b : b === undefined ? a : pick(a, b);
}

/**
 * The stricter of two partial rules, field by field: the higher threshold
 * and quorum, the lower veto and escalation risk, the more debate (bounded).
 * A field only one side sets is kept. Commutative, associative and
 * idempotent, so any order of combining policy, parent and child manifests
 * gives one rule (the manifest intersection uses it).
 */
export function stricterPartial(a: Partial<Rule>, b: Partial<Rule>): Partial<Rule> {
  const out: Partial<Rule> = {};
  const threshold = either(a.threshold, b.threshold, stricterThreshold);
  if (threshold !== undefined) out.threshold = threshold;
  const quorum = either(a.quorum, b.quorum, Math.max);
  if (quorum !== undefined) out.quorum = quorum;
  const veto = either(a.veto, b.veto, Math.min);
  if (veto !== undefined) out.veto = veto;
  const escalateRisk = either(a.escalateRisk, b.escalateRisk, Math.min);
  if (escalateRisk !== undefined) out.escalateRisk = escalateRisk;
  const debate = either(a.debate, b.debate, Math.max);
  if (debate !== undefined) out.debate = Math.min(MAX_DEBATE_ROUNDS, debate);
  return out;
}

/** A whole rule made stricter by a partial one (the system policy's rule by a manifest's). */
export function stricter(a: Rule, b: Partial<Rule>): Rule {
  return { ...a, ...stricterPartial(a, b) };
}

/** A manifest's rule for one action class: its "*" rule and the class's own, the stricter of each field. */
export function manifestRuleFor(quorum: Readonly<Record<string, Partial<Rule>>> | undefined, actionClass: string): Partial<Rule> {
  if (quorum === undefined) return {};
  return stricterPartial(Object.hasOwn(quorum, '*') ? quorum['*'] : {}, Object.hasOwn(quorum, actionClass) ? quorum[actionClass] : {});
}

export function ruleFor(policy: SystemPolicy, actionClass: string, manifestRule?: Partial<Rule>): Rule {
  const base = Object.hasOwn(policy.actions, actionClass) ? policy.actions[actionClass] : policy.default;
  return stricter(base, manifestRule ?? {});
}

function fail(path: string, message: string): never {
  throw new OctantError('E_QUORUM_RULE', `${path}: ${message}`, { exit: EXIT.usage });
}

function unit(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) fail(path, `must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  return value;
}

/** A partial rule from configuration or a manifest; each bad field is named. */
export function readRule(value: unknown, path: string): Partial<Rule> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, 'must be an object');
  const r = value as Record<string, unknown>;
  const out: Partial<Rule> = {};
  for (const key of Object.keys(r)) {
    if (!['threshold', 'quorum', 'veto', 'escalateRisk', 'debate'].includes(key)) fail(`${path}.${key}`, 'unknown field (threshold, quorum, veto, escalateRisk, debate)');
  }
  if (r.threshold !== undefined) {
    if (!(THRESHOLDS as readonly unknown[]).includes(r.threshold)) fail(`${path}.threshold`, `must be one of ${THRESHOLDS.join(', ')}`);
    out.threshold = r.threshold as Threshold;
  }
  if (r.quorum !== undefined) {
    if (!Number.isInteger(r.quorum) || (r.quorum as number) < 1 || (r.quorum as number) > 64) fail(`${path}.quorum`, 'must be an integer from 1 to 64');
    out.quorum = r.quorum as number;
  }
  if (r.veto !== undefined) out.veto = unit(r.veto, `${path}.veto`);
  if (r.escalateRisk !== undefined) out.escalateRisk = unit(r.escalateRisk, `${path}.escalateRisk`);
  if (r.debate !== undefined) {
    if (!Number.isInteger(r.debate) || (r.debate as number) < 0 || (r.debate as number) > MAX_DEBATE_ROUNDS) fail(`${path}.debate`, `must be an integer from 0 to ${MAX_DEBATE_ROUNDS}`);
    out.debate = r.debate as number;
  }
  return out;
}

/** The system policy from the quorum service's configuration (services.quorum.rules). */
export function readPolicy(value: unknown, path = 'services.quorum.rules'): SystemPolicy {
  if (value === undefined) return { default: DEFAULT_RULE, actions: {} };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, 'must be an object of action class to rule');
  const entries = Object.entries(value as Record<string, unknown>);
  const def = entries.find(([k]) => k === 'default');
  // A field left out of a rule takes the default rule's value.
  const base: Rule = { ...DEFAULT_RULE, ...(def === undefined ? {} : readRule(def[1], `${path}.default`)) };
  const actions: Record<string, Rule> = {};
  for (const [key, rule] of entries) if (key !== 'default') actions[key] = { ...base, ...readRule(rule, `${path}.${key}`) };
  return { default: base, actions };
}

/** The configuration schema of one rule (services.quorum.rules.<class>); readPolicy checks the rest. */
export const RULE_CONFIG_SCHEMA = {
  type: 'object',
  properties: {
    threshold: { type: 'string', enum: THRESHOLDS },
    quorum: { type: 'integer', min: 1, max: 64 },
    veto: { type: 'number', min: 0, max: 1 },
    escalateRisk: { type: 'number', min: 0, max: 1 },
    debate: { type: 'integer', min: 0, max: MAX_DEBATE_ROUNDS },
  },
} as const;
