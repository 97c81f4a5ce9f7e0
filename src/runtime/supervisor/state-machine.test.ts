import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRANSITIONS, transition, type ServiceEvent, type ServiceState } from './state-machine.ts';

const STATES = Object.keys(TRANSITIONS) as ServiceState[];
const EVENTS: ServiceEvent[] = ['start', 'ready', 'sick', 'recover', 'fail', 'retry', 'give-up', 'stop', 'stopped'];

test('the normal life: start, ready, stop, stopped', () => {
  let s: ServiceState = 'pending';
  for (const [event, expected] of [['start', 'starting'], ['ready', 'healthy'], ['stop', 'stopping'], ['stopped', 'stopped']] as const) {
    s = transition('x', s, event);
    assert.equal(s, expected);
  }
});

test('failure, backoff and retry; give-up is terminal', () => {
  assert.equal(transition('x', 'healthy', 'fail'), 'backoff');
  assert.equal(transition('x', 'backoff', 'retry'), 'starting');
  assert.equal(transition('x', 'starting', 'give-up'), 'failed');
  for (const event of EVENTS) assert.throws(() => transition('x', 'failed', event), { code: 'E_SERVICE_TRANSITION' });
});

test('every pair outside the table throws, naming service, state and event', () => {
  let illegal = 0;
  for (const state of STATES) {
    for (const event of EVENTS) {
      if (TRANSITIONS[state][event] !== undefined) {
        assert.equal(transition('svc', state, event), TRANSITIONS[state][event]);
        continue;
      }
      illegal += 1;
      assert.throws(() => transition('svc', state, event), (e: { code: string; message: string }) =>
        e.code === 'E_SERVICE_TRANSITION' && e.message.includes('svc') && e.message.includes(`'${state}'`) && e.message.includes(`'${event}'`));
    }
  }
  assert.ok(illegal > 40);
});

test('specific refusals: no ready without start, no retry while healthy, no restart from stopping', () => {
  assert.throws(() => transition('x', 'pending', 'ready'), { code: 'E_SERVICE_TRANSITION' });
  assert.throws(() => transition('x', 'healthy', 'retry'), { code: 'E_SERVICE_TRANSITION' });
  assert.throws(() => transition('x', 'stopping', 'start'), { code: 'E_SERVICE_TRANSITION' });
});
