// A voter's answer → a Ballot. The answer must be exactly one JSON object
// {"vote": "approve"|"reject"|"abstain", "risk": 0..1, "rationale": "..."}
// (optionally inside one ```json fence, which models add on their own).
// Anything else (prose, extra fields, a risk out of range, two objects, a
// vote for someone else) is MALFORMED and counts as an abstention: a voter
// that cannot follow the format cannot sway the count.

import type { Ballot, Vote, Voter } from './types.ts';

/** The ballot schema, as sent to the voters and documented (docs/governance.md). */
export const BALLOT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['vote', 'risk', 'rationale'],
  properties: {
    vote: { enum: ['approve', 'reject', 'abstain'] },
    risk: { type: 'number', minimum: 0, maximum: 1 },
    rationale: { type: 'string', maxLength: 600 },
  },
} as const;

const MAX_ANSWER = 8 * 1024;
const MAX_RATIONALE = 600;
const VOTES: readonly string[] = ['approve', 'reject', 'abstain'];
const FENCE = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/;

export type Parsed = { ok: true; vote: Vote; risk: number; rationale: string } | { ok: false; problem: string };

/** Control characters (other than none) are dropped: a rationale is shown to operators and other voters. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ').trim();
}

export function parseBallotText(text: string): Parsed {
  if (text.length > MAX_ANSWER) return { ok: false, problem: `answer longer than ${MAX_ANSWER} characters` };
  const trimmed = text.trim();
  const body = FENCE.exec(trimmed)?.[1] ?? trimmed;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'not a JSON object' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'not a JSON object' };
  const r = value as Record<string, unknown>;
  const extra = Object.keys(r).filter((k) => !['vote', 'risk', 'rationale'].includes(k));
  if (extra.length > 0) return { ok: false, problem: `unknown field ${JSON.stringify(extra[0])}` };
  if (typeof r.vote !== 'string' || !VOTES.includes(r.vote)) return { ok: false, problem: 'vote must be approve, reject or abstain' };
  if (typeof r.risk !== 'number' || !Number.isFinite(r.risk) || r.risk < 0 || r.risk > 1) return { ok: false, problem: 'risk must be a number from 0 to 1' };
  if (typeof r.rationale !== 'string') return { ok: false, problem: 'rationale must be a string' };
  if (r.rationale.length > MAX_RATIONALE) return { ok: false, problem: `rationale longer than ${MAX_RATIONALE} characters` };
  return { ok: true, vote: r.vote as Vote, risk: r.risk, rationale: clean(r.rationale) };
}

/** The ballot a voter's answer stands for; a malformed one is an abstention that says why. */
export function ballotOf(voter: Voter, round: number, text: string): Ballot {
  const parsed = parseBallotText(text);
  const base = { voter: voter.name, model: voter.model, family: voter.family, weight: voter.weight, round };
  if (!parsed.ok) return { ...base, vote: 'abstain', risk: 0, rationale: '', fault: `malformed: ${parsed.problem}` };
  return { ...base, vote: parsed.vote, risk: parsed.risk, rationale: parsed.rationale };
}

/** A voter that did not answer in time or could not be reached. */
export function faultBallot(voter: Voter, round: number, fault: string): Ballot {
  return { voter: voter.name, model: voter.model, family: voter.family, weight: voter.weight, round, vote: 'abstain', risk: 0, rationale: '', fault };
}
