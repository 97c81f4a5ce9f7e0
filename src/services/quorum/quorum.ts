// The quorum engine: one proposal → a recorded decision. Log first, act
// second: the proposal is in the ledger before any voter is asked, every
// ballot (with its rationale and the model that cast it), the tally and the
// outcome are in the ledger before the decision is returned to the gate, and
// the gate runs the action only after that. Fail closed: a ledger that
// refuses, a passed deadline or a cancelled request is a denial; a panel
// that cannot be reached escalates to a human, never approves.

import type { LedgerAppend } from '../ledger/api.ts';
import type { Caller, ChatRequest, ChatResponse } from '../router/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { deliberate } from './deliberate.ts';
import type { DecisionStore } from './decisions.ts';
import { buildProposal } from './proposal.ts';
import { ruleFor, type SystemPolicy } from './rules.ts';
import { tally } from './tally.ts';
import type { Decision, ProposalInput, Voter } from './types.ts';

export interface QuorumDeps {
  ledger: LedgerAppend;
  /** The router's chat: voting calls are routed, budgeted and recorded like any other. */
  chat(request: ChatRequest, caller: Caller): Promise<ChatResponse>;
  /** Who the router charges for voting calls (agent 'quorum', its budget and vault token). */
  caller(): Promise<Caller>;
  /** The vault's redactor: a proposal leaves the machine (to the voters' providers) only redacted. */
  redact(text: string): string;
  panel(): readonly Voter[];
  policy: SystemPolicy;
  decisions: DecisionStore;
  voterTimeoutMs: number;
  /** Time the whole vote (debate included) may take; then denied. */
  deadlineMs: number;
  now?: () => number;
}

export interface HumanVerdict {
  approved: boolean;
  reason: string;
  /** The approval id the human decided. */
  approval: string;
}

export interface QuorumApi {
  decide(input: ProposalInput, signal?: AbortSignal): Promise<Decision>;
  /** Note on an escalated decision what the human decided (the approval gate records the decision itself). */
  settle(id: string, human: HumanVerdict): Promise<Decision>;
  get(id: string): Decision;
  list(limit?: number): Decision[];
}

const LEDGER_DECISION = { approved: 'allow', rejected: 'deny', denied: 'deny', escalate: 'pending' } as const;

export function createQuorum(deps: QuorumDeps): QuorumApi {
  const now = deps.now ?? Date.now;
  return {
    async decide(input, signal) {
      const started = now();
      const raw = buildProposal(input, new Date(started));
      // What goes to the voters and the record: redacted of every secret in play.
      const proposal = {
        ...raw,
        target: deps.redact(raw.target),
        excerpt: deps.redact(raw.excerpt),
        statedReason: raw.statedReason === undefined ? undefined : deps.redact(raw.statedReason),
        recent: raw.recent.map((e) => ({ ...e, target: deps.redact(e.target) })),
      };
      const rule = ruleFor(deps.policy, proposal.actionClass, input.manifestRule);
      const panel = [...deps.panel()];
      const deadline = started + deps.deadlineMs;
      const base = { agent: input.agent, lineage: input.lineage, kind: 'governance', target: proposal.target };
      const finish = async (decision: Decision): Promise<Decision> => {
        await deps.decisions.save(decision);
        return decision;
      };
      const denied = (why: string, rounds = 0, ballots: Decision['ballots'] = []): Promise<Decision> => finish({
        id: proposal.id, proposal, rule, ballots, rounds, outcome: 'denied', decidedAt: new Date(now()).toISOString(),
        tally: { ...tally(ballots.filter((b) => b.round === rounds - 1), rule), why },
      });
      try {
        await deps.ledger({
          ...base, action: 'quorum.proposal', decision: 'pending',
          detail: {
            id: proposal.id, action: proposal.action, actionClass: proposal.actionClass, manifest: proposal.manifest, reason: proposal.reason,
            statedReason: proposal.statedReason ?? null, excerpt: proposal.excerpt, digest: proposal.digest, recent: proposal.recent.map((e) => e.seq),
            rule, panel: panel.map((v) => ({ name: v.name, model: v.model, weight: v.weight, family: v.family })), deadline: new Date(deadline).toISOString(),
          },
        });
      } catch (error) {
        return denied(`denied: the ledger refused the proposal (${messageOf(error)})`);
      }
      const caller = await deps.caller().catch(() => undefined);
      const result = await deliberate(proposal, panel, rule, {
        voterTimeoutMs: deps.voterTimeoutMs,
        deadline,
        now,
        signal,
        ask: async (voter, messages) => {
          if (caller === undefined) throw new Error('no credentials for voting calls (the vault refused a token)');
          const response = await deps.chat({ model: voter.model, messages, responseFormat: 'json', maxTokens: 400, temperature: 0 }, caller);
          return { text: response.content, model: response.model };
        },
      });
      const outcome = result.expired ? 'denied' : result.tally.outcome;
      const why = result.expired ? `denied: ${signal?.aborted ? 'the request was cancelled' : 'the deadline passed'} before the vote ended` : result.tally.why;
      const decision: Decision = {
        id: proposal.id, proposal, rule, ballots: result.ballots, rounds: result.rounds, outcome,
        tally: { ...result.tally, why }, decidedAt: new Date(now()).toISOString(),
      };
      try {
        // Every ballot, then the outcome, appended in this order in one go (one
        // group commit); all are durable before the gate acts on the outcome.
        // If any of them is refused the decision is a denial, whatever the
        // outcome entry says: the action does not run (fail closed).
        const ballots = result.ballots.map((b) => deps.ledger({
          ...base, action: 'quorum.ballot', decision: b.vote,
          detail: { id: proposal.id, voter: b.voter, model: b.model, family: b.family, weight: b.weight, round: b.round, vote: b.vote, risk: b.risk, rationale: b.rationale, fault: b.fault ?? null },
        }));
        const { tally: t } = decision;
        const outcomeEntry = deps.ledger({
          ...base, action: 'quorum.outcome', decision: LEDGER_DECISION[outcome],
          detail: { id: proposal.id, outcome, why, rounds: result.rounds, approveWeight: t.approveWeight, rejectWeight: t.rejectWeight, abstainWeight: t.abstainWeight, counted: t.counted, maxRisk: t.maxRisk, decidedBy: t.decidedBy },
        });
        const [entry] = await Promise.all([outcomeEntry, ...ballots]);
        return finish({ ...decision, seq: entry.seq });
      } catch (error) {
        const why = `denied: the ledger refused to record the vote (${messageOf(error)})`;
        // The outcome entry may be durable while a ballot was refused: it may
        // say "allow" for an action that will not run. A later entry for the
        // same proposal says what happened (best effort: a ledger that refuses
        // this too refuses everything, and the action stays denied anyway).
        await deps.ledger({ ...base, action: 'quorum.outcome', decision: 'deny', detail: { id: proposal.id, outcome: 'denied', why, supersedes: true } }).catch(() => undefined);
        return denied(why, result.rounds, result.ballots);
      }
    },
    async settle(id, human) {
      const decision = { ...deps.decisions.get(id), human };
      await deps.decisions.save(decision);
      return decision;
    },
    get: (id) => deps.decisions.get(id),
    list: (limit) => deps.decisions.list(limit),
  };
}
