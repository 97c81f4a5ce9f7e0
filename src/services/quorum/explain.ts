// How a decision was reached, in words, for `octant quorum explain ID`: the
// proposal, the rule, each round's ballots, the counting step that decided,
// and what a human decided after an escalation. Every field that came from
// an agent or a voter is escaped (lib/safe-text.ts): it is shown to an
// operator's terminal.

import { safeField } from '../../lib/safe-text.ts';
import type { Decision } from './types.ts';

const STEP: Record<Decision['tally']['decidedBy'], string> = {
  veto: 'step 1, veto: a reject at or above the veto risk blocks',
  quorum: 'step 2, quorum: too few counted ballots, so a human decides',
  passed: 'steps 3-5: the threshold was met by two families or more, at an acceptable risk',
  'one-family': 'step 4, diversity: every approval came from one model family, so a human decides',
  risk: 'step 5, risk: the vote passed but a voter rated the risk high, so a human decides',
  split: 'step 6, split: approvals and rejections without the threshold, so a human decides',
  rejected: 'step 6, rejected: no voter approved',
};

export function summaryLine(d: Decision): string {
  const human = d.human === undefined ? '' : ` → human ${d.human.approved ? 'approved' : 'denied'}`;
  return `${d.id}  ${d.outcome.padEnd(8)}${human}  ${safeField(d.proposal.agent)}  ${safeField(d.proposal.action)} ${safeField(d.proposal.target)}  (${d.proposal.createdAt})`;
}

export function explainDecision(d: Decision): string[] {
  const p = d.proposal;
  const r = d.rule;
  const lines = [
    summaryLine(d),
    `proposal: agent ${safeField(p.agent)} (manifest ${safeField(p.manifest.name)}) asks ${safeField(p.action)} on ${safeField(p.target)}`,
    `  critical because: ${safeField(p.reason)}`,
    `  stated reason:    ${p.statedReason === undefined ? '(none given)' : safeField(p.statedReason)}`,
    `  evidence:         ${p.excerpt.length} characters shown to voters, sha256 ${p.digest}`,
    `  recent entries:   ${p.recent.length === 0 ? '(none)' : p.recent.map((e) => `#${e.seq} ${safeField(e.action)} ${e.decision}`).join(', ')}`,
    `rule (${safeField(p.actionClass)}): ${r.threshold}, quorum ${r.quorum}, veto at risk ${r.veto}, a human above risk ${r.escalateRisk}, up to ${r.debate} debate round(s)`,
  ];
  for (let round = 0; round < d.rounds; round++) {
    lines.push(round === 0 ? 'vote:' : `debate round ${round}:`);
    for (const b of d.ballots.filter((x) => x.round === round)) {
      const what = b.fault === undefined ? `${b.vote.padEnd(7)} risk ${b.risk.toFixed(2)}  ${safeField(b.rationale)}` : `abstain (${safeField(b.fault)})`;
      lines.push(`  ${safeField(b.voter).padEnd(12)} ${safeField(b.model).padEnd(20)} weight ${b.weight}  ${what}`);
    }
  }
  const t = d.tally;
  lines.push(`tally: approve ${t.approveWeight}, reject ${t.rejectWeight}, abstain ${t.abstainWeight} (weights); ${t.counted} counted; ${t.approvingFamilies} approving famil${t.approvingFamilies === 1 ? 'y' : 'ies'}; highest risk ${t.maxRisk}`);
  lines.push(`decided by ${STEP[t.decidedBy]}`);
  lines.push(`outcome: ${d.outcome}: ${safeField(t.why)}${d.seq === undefined ? '' : ` (ledger #${d.seq})`}`);
  if (d.outcome === 'escalate') {
    lines.push(d.human === undefined ? 'human: no decision yet (a passed deadline denies)' : `human: ${d.human.approved ? 'approved' : 'denied'} (${safeField(d.human.reason)}; approval ${d.human.approval})`);
  }
  return lines;
}
