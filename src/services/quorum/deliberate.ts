// The vote itself: every voter asked at once, each with its own time limit
// (a late ballot is an abstention), the round tallied; a split vote is
// debated for at most rule.debate more rounds, where each voter sees the
// others' ballots as data. The whole vote has a deadline: once it has passed
// the outcome is a denial, whatever came in. No ledger, no router here:
// `ask` is the only way out (index.ts passes the router).

import { messageOf } from '../../lib/errors.ts';
import { ballotOf, faultBallot } from './ballot.ts';
import { debateMessages, voterMessages, type ChatTurn } from './proposal.ts';
import { tally } from './tally.ts';
import type { Ballot, Proposal, Rule, Tally, Voter } from './types.ts';

export interface DeliberateOptions {
  /** One call to a voter's model; resolves with the answer's text and the model that actually answered. */
  ask(voter: Voter, messages: ChatTurn[], signal: AbortSignal): Promise<Answer>;
  /** How long one voter has to answer one round. */
  voterTimeoutMs: number;
  /** Epoch ms after which the vote is void and the action denied. */
  deadline: number;
  now?: () => number;
  /** Aborted when the agent's request is cancelled (or the system stops). */
  signal?: AbortSignal;
}

export interface Answer {
  text: string;
  model: string;
}

export interface Deliberation {
  ballots: Ballot[];
  tally: Tally;
  rounds: number;
  /** The deadline passed (or the request was cancelled) before a tally: deny. */
  expired: boolean;
}

async function cast(voter: Voter, round: number, messages: ChatTurn[], limitMs: number, options: DeliberateOptions): Promise<Ballot> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Ballot>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(faultBallot(voter, round, `late: no ballot within ${limitMs} ms`));
    }, Math.max(0, limitMs));
  });
  const answered = options.ask(voter, messages, controller.signal).then(
    (answer) => ({ ...ballotOf(voter, round, answer.text), model: answer.model }),
    (error: unknown) => faultBallot(voter, round, `unreachable: ${messageOf(error).slice(0, 200)}`),
  );
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

export async function deliberate(proposal: Proposal, panel: readonly Voter[], rule: Rule, options: DeliberateOptions): Promise<Deliberation> {
  const now = options.now ?? Date.now;
  const ballots: Ballot[] = [];
  let previous: Ballot[] = [];
  let last: Tally = tally([], rule);
  for (let round = 0; round <= rule.debate; round++) {
    const left = options.deadline - now();
    if (left <= 0 || options.signal?.aborted) return { ballots, tally: last, rounds: round, expired: true };
    const limit = Math.min(options.voterTimeoutMs, left);
    const current = await Promise.all(panel.map((voter) => {
      const messages = round === 0 ? voterMessages(proposal) : debateMessages(proposal, previous.filter((b) => b.voter !== voter.name));
      return cast(voter, round, messages, limit, options);
    }));
    ballots.push(...current);
    last = tally(current, rule);
    if (now() >= options.deadline || options.signal?.aborted) return { ballots, tally: last, rounds: round + 1, expired: true };
    // Only a split vote is debated: a veto, a missed quorum or a clear result stands.
    if (last.decidedBy !== 'split') return { ballots, tally: last, rounds: round + 1, expired: false };
    previous = current;
  }
  return { ballots, tally: last, rounds: rule.debate + 1, expired: false };
}
