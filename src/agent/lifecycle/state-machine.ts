// The agent lifecycle as an explicit state machine (ARCHITECTURE.md "Module
// shapes"; product description: agent-lifecycle.md "Lifecycle States").
// One table of states x events; anything not in the table is illegal and
// throws E_LIFECYCLE_TRANSITION before anything is recorded or done.

import { OctantError } from '../../lib/errors.ts';

export const STATES = ['provisioned', 'validated', 'isolated', 'running', 'suspended', 'terminated', 'archived', 'rejected'] as const;
export type AgentState = (typeof STATES)[number];

export const EVENTS = ['validate', 'reject', 'isolate', 'start', 'suspend', 'resume', 'terminate', 'archive'] as const;
export type AgentEvent = (typeof EVENTS)[number];

export const TRANSITIONS: Readonly<Record<AgentState, Partial<Record<AgentEvent, AgentState>>>> = {
  // Manifest checks pass, or fail (no environment is ever built).
  provisioned: { validate: 'validated', reject: 'rejected' },
  // Reservation (spawn budget, identity) can still refuse; a failed
  // isolation that built part of the environment is torn down by terminate.
  validated: { reject: 'rejected', isolate: 'isolated', terminate: 'terminated' },
  isolated: { start: 'running', terminate: 'terminated' },
  running: { suspend: 'suspended', terminate: 'terminated' },
  suspended: { resume: 'running', terminate: 'terminated' },
  terminated: { archive: 'archived' },
  archived: {},
  rejected: {},
};

/** The state `event` leads to from `state`, or E_LIFECYCLE_TRANSITION. */
export function nextState(state: AgentState, event: AgentEvent, aid = 'agent'): AgentState {
  const next = TRANSITIONS[state][event];
  if (next === undefined) {
    const legal = Object.keys(TRANSITIONS[state]);
    throw new OctantError('E_LIFECYCLE_TRANSITION', `${aid}: cannot ${event} an agent that is ${state}`, {
      hint: legal.length > 0 ? `from ${state} the lifecycle allows: ${legal.join(', ')}` : `${state} is final`,
      detail: { aid, state, event },
    });
  }
  return next;
}

/** States that hold resources: they count against spawn budgets and need a termination. */
export function isLive(state: AgentState): boolean {
  return state === 'validated' || state === 'isolated' || state === 'running' || state === 'suspended';
}
