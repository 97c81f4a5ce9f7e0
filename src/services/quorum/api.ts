// The quorum's public API: the one file other layers and services import
// (test/layering.test.ts refuses any other file of this folder from
// outside). Besides the service and its types: the engine and the decision
// store for commands and tests that decide or read decisions without a
// running system (`octant quorum list|show|explain`), and the panel file.

export { quorumService, QUORUM_AGENT, QUORUM_CONFIG } from './index.ts';
export type { QuorumApi, HumanVerdict } from './quorum.ts';
export type { Decision, ProposalInput, Rule, Voter, Ballot, RecentEntry } from './types.ts';
export { manifestRuleFor, readPolicy, readRule, stricter, stricterPartial } from './rules.ts';
export { createQuorum } from './quorum.ts';
export { DecisionStore, decisionsDir } from './decisions.ts';
export { explainDecision, summaryLine } from './explain.ts';
export { loadPanel, panelPath } from './panel.ts';
export { QUORUM_API } from './endpoints.ts';
