// Counting one round of ballots under a rule. Pure, and the heart of the
// security argument (docs/governance.md "Threat model"), so the steps run in
// one fixed order and each one can only make the outcome MORE cautious:
//
//   1. veto        any reject at or above rule.veto → rejected
//   2. quorum      fewer counted ballots than rule.quorum → escalate (a human decides)
//   3. threshold   approve weight against counted weight (majority, two-thirds, unanimous)
//   4. diversity   approvers from fewer than two families → escalate: ONE voter
//                  (or several instances of one model) never approves on its own,
//                  whatever its weight and whatever the threshold
//   5. risk        passed, but the highest risk any counted ballot gave is at or
//                  above rule.escalateRisk → escalate
//   6. not passed  with approvers → split → escalate (or debate); none → rejected
//
// Abstentions (including malformed, late and unreachable ballots) never count
// for approval. Nothing a ballot's rationale says is read here.

import type { Ballot, Rule, Tally } from './types.ts';

function sum(ballots: readonly Ballot[]): number {
  return ballots.reduce((total, b) => total + b.weight, 0);
}

function passes(rule: Rule, approve: number, reject: number, abstentions: number): boolean {
  const counted = approve + reject;
  if (approve <= 0) return false;
  switch (rule.threshold) {
    case 'majority': return approve * 2 > counted;
    case 'two-thirds': return approve * 3 >= counted * 2;
    // Unanimous: every voter of the panel approved; an abstention is not consent.
    case 'unanimous': return reject === 0 && abstentions === 0;
  }
}

export function tally(ballots: readonly Ballot[], rule: Rule): Tally {
  const approving = ballots.filter((b) => b.vote === 'approve');
  const rejecting = ballots.filter((b) => b.vote === 'reject');
  const abstaining = ballots.filter((b) => b.vote === 'abstain');
  const counted = [...approving, ...rejecting];
  const base = {
    approveWeight: sum(approving),
    rejectWeight: sum(rejecting),
    abstainWeight: sum(abstaining),
    counted: counted.length,
    approvingFamilies: new Set(approving.map((b) => b.family)).size,
    maxRisk: counted.reduce((max, b) => Math.max(max, b.risk), 0),
  };
  const veto = rejecting.find((b) => b.risk >= rule.veto);
  if (veto !== undefined) return { ...base, outcome: 'rejected', decidedBy: 'veto', why: `veto: ${veto.voter} rejected at risk ${veto.risk} (veto at ${rule.veto})` };
  if (counted.length < Math.max(1, rule.quorum)) {
    return { ...base, outcome: 'escalate', decidedBy: 'quorum', why: `quorum not met: ${counted.length} counted ballot(s), ${rule.quorum} needed` };
  }
  const share = `${fmt(base.approveWeight)} of ${fmt(base.approveWeight + base.rejectWeight)} counted weight approved`;
  if (passes(rule, base.approveWeight, base.rejectWeight, abstaining.length)) {
    if (base.approvingFamilies < 2) {
      return { ...base, outcome: 'escalate', decidedBy: 'one-family', why: `${share}, but all approvals come from one model family: a single voter never approves alone` };
    }
    if (base.maxRisk >= rule.escalateRisk) {
      return { ...base, outcome: 'escalate', decidedBy: 'risk', why: `${share} (${rule.threshold}), but a voter rated the risk ${base.maxRisk} (a human decides at ${rule.escalateRisk})` };
    }
    return { ...base, outcome: 'approved', decidedBy: 'passed', why: `${share} (${rule.threshold}), highest risk ${base.maxRisk}` };
  }
  if (approving.length > 0) return { ...base, outcome: 'escalate', decidedBy: 'split', why: `split vote: ${share}, ${rule.threshold} needed` };
  return { ...base, outcome: 'rejected', decidedBy: 'rejected', why: `rejected: ${share}` };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
