// The life of one supervised service as an explicit states x events table.
// Every change of state goes through transition(); a pair that is not in the
// table is a bug in the supervisor and throws E_SERVICE_TRANSITION instead of
// leaving a service in a state nobody planned for.
//
//   pending --start--> starting --ready--> healthy --sick--> unhealthy
//                         |                  |  ^--recover------'  |
//                         '------fail--------+-----fail------------'
//                                 v
//                              backoff --retry--> starting
//   fail when no restart is left: give-up --> failed (reason kept)
//   stop: starting|healthy|unhealthy --> stopping --stopped--> stopped
//         pending|backoff --> stopped (nothing is running)
//   stopped --start--> starting (a dependent brought back after its dependency recovered)

import { OctantError } from '../../lib/errors.ts';

export type ServiceState = 'pending' | 'starting' | 'healthy' | 'unhealthy' | 'backoff' | 'stopping' | 'stopped' | 'failed';

export type ServiceEvent = 'start' | 'ready' | 'sick' | 'recover' | 'fail' | 'retry' | 'give-up' | 'stop' | 'stopped';

export const TRANSITIONS: Readonly<Record<ServiceState, Partial<Record<ServiceEvent, ServiceState>>>> = {
  pending: { start: 'starting', stop: 'stopped' },
  starting: { ready: 'healthy', fail: 'backoff', 'give-up': 'failed', stop: 'stopping' },
  healthy: { sick: 'unhealthy', fail: 'backoff', 'give-up': 'failed', stop: 'stopping' },
  unhealthy: { recover: 'healthy', fail: 'backoff', 'give-up': 'failed', stop: 'stopping' },
  backoff: { retry: 'starting', stop: 'stopped' },
  stopping: { stopped: 'stopped' },
  stopped: { start: 'starting' },
  // Terminal: a service that gave up stays failed, with its reason, until the
  // system is restarted. Nothing moves it on its own.
  failed: {},
};

/** The state `event` leads to from `state`, or E_SERVICE_TRANSITION. */
export function transition(service: string, state: ServiceState, event: ServiceEvent): ServiceState {
  const next = TRANSITIONS[state][event];
  if (next === undefined) {
    throw new OctantError('E_SERVICE_TRANSITION', `service ${service}: event '${event}' is not allowed in state '${state}'`, {
      detail: { service, state, event },
    });
  }
  return next;
}

/** States in which the service has a live instance (its API may be used). */
export function isRunning(state: ServiceState): boolean {
  return state === 'healthy' || state === 'unhealthy';
}
