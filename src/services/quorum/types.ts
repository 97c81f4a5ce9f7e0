// The quorum's public types: proposals, voters and panels, ballots, rules,
// tallies and decisions. Types only (docs/governance.md).

/** A recorded ledger entry relevant to a proposal, as the voters see it. */
export interface RecentEntry {
  seq: number;
  action: string;
  target: string;
  decision: string;
}

/**
 * What the approval gate asks the quorum to decide: one critical action of
 * one agent. Every string in it may come from the agent and is DATA for the
 * voters, never instructions (proposal.ts quotes and delimits it).
 */
export interface ProposalInput {
  agent: string;
  lineage: string[];
  /** The agent's manifest name and role. */
  manifest: { name: string; hash?: string };
  /** The mediated action ("fs.write") and its exact target. */
  action: string;
  target: string;
  /** Which rule made the action critical. */
  reason: string;
  /** The agent's own stated purpose for the action, if it gave one. */
  statedReason?: string;
  /** Arguments and facts of the action (sizes, content excerpts). */
  evidence: Record<string, unknown>;
  /** The agent's latest ledger entries, oldest first. */
  recent: RecentEntry[];
  /** Rules the agent's manifest asks for this action (governance.quorum), made stricter only. */
  manifestRule?: Partial<Rule>;
}

export interface Proposal extends Omit<ProposalInput, 'manifestRule'> {
  id: string;
  createdAt: string;
  /** The evidence as the voters see it: canonical JSON, cut to a bounded excerpt. */
  excerpt: string;
  /** Hex SHA-256 of the full canonical evidence, so the excerpt can be tied to what the agent sent. */
  digest: string;
  /** The action class whose rule applies. */
  actionClass: string;
}

/** A model on the panel, reached through the router. */
export interface Voter {
  /** A short name, unique on the panel. */
  name: string;
  /** A router route name or deployment id. */
  model: string;
  /** Voting weight, > 0. */
  weight: number;
  /** The provider or model family, for diversity (several from one family count as one approver). */
  family: string;
}

export type Vote = 'approve' | 'reject' | 'abstain';

/** What a voter answered, after validation. */
export interface Ballot {
  voter: string;
  model: string;
  family: string;
  weight: number;
  vote: Vote;
  /** 0 (harmless) to 1 (severe). */
  risk: number;
  rationale: string;
  /** Debate round, from 0. */
  round: number;
  /** Why a ballot became an abstention: 'malformed', 'late', 'unreachable'; absent for a real ballot. */
  fault?: string;
}

export const THRESHOLDS = ['majority', 'two-thirds', 'unanimous'] as const;
export type Threshold = (typeof THRESHOLDS)[number];

/** How ballots are counted for one action class. */
export interface Rule {
  threshold: Threshold;
  /** Minimum number of counted (approve or reject) ballots. */
  quorum: number;
  /** A reject whose risk is at or above this (0..1) blocks the action whatever the others say. */
  veto: number;
  /** A passed vote whose highest counted risk is at or above this goes to a human. */
  escalateRisk: number;
  /** Debate rounds after the first vote when it is split (bounded by the system). */
  debate: number;
}

export type Outcome = 'approved' | 'rejected' | 'escalate';

/** Which step of the counting decided (tally.ts, in order). */
export type DecidedBy = 'veto' | 'quorum' | 'passed' | 'one-family' | 'risk' | 'split' | 'rejected';

export interface Tally {
  approveWeight: number;
  rejectWeight: number;
  abstainWeight: number;
  /** Counted ballots (approve or reject). */
  counted: number;
  /** Distinct families among the approving ballots. */
  approvingFamilies: number;
  maxRisk: number;
  outcome: Outcome;
  decidedBy: DecidedBy;
  /** Why, in one line: which rule decided. */
  why: string;
}

/** The quorum's decision on one proposal, as recorded. */
export interface Decision {
  id: string;
  proposal: Proposal;
  rule: Rule;
  /** Every ballot of every round. */
  ballots: Ballot[];
  tally: Tally;
  /** approved/rejected by the panel; escalate: a human decides; denied: fail closed (deadline, ledger). */
  outcome: Outcome | 'denied';
  rounds: number;
  decidedAt: string;
  /** Ledger seq of the outcome entry, once recorded. */
  seq?: number;
  /** Set later when a human decided an escalation. */
  human?: { approved: boolean; reason: string; approval: string };
}
