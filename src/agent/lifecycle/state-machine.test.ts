import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENTS, STATES, nextState } from './state-machine.ts';
import { isOctantError } from '../../lib/errors.ts';

// The legal transitions, written out independently of the table under test.
const LEGAL: Record<string, string> = {
  'provisioned validate': 'validated',
  'provisioned reject': 'rejected',
  'validated reject': 'rejected',
  'validated isolate': 'isolated',
  'validated terminate': 'terminated',
  'isolated start': 'running',
  'isolated terminate': 'terminated',
  'running suspend': 'suspended',
  'running terminate': 'terminated',
  'suspended resume': 'running',
  'suspended terminate': 'terminated',
  'terminated archive': 'archived',
};

test('every legal transition leads where the lifecycle says', () => {
  for (const [key, to] of Object.entries(LEGAL)) {
    const [state, event] = key.split(' ') as [never, never];
    assert.equal(nextState(state, event), to, key);
  }
});

test('every other state x event pair throws E_LIFECYCLE_TRANSITION', () => {
  let illegal = 0;
  for (const state of STATES) {
    for (const event of EVENTS) {
      if (`${state} ${event}` in LEGAL) continue;
      illegal += 1;
      assert.throws(() => nextState(state, event, 'agt_x'), (e) => isOctantError(e, 'E_LIFECYCLE_TRANSITION') && e.message.includes(state) && e.message.includes(event), `${state} ${event}`);
    }
  }
  assert.equal(illegal, STATES.length * EVENTS.length - Object.keys(LEGAL).length);
});

test('archived and rejected are final', () => {
  for (const state of ['archived', 'rejected'] as const) {
    for (const event of EVENTS) assert.throws(() => nextState(state, event), (e) => isOctantError(e, 'E_LIFECYCLE_TRANSITION') && /is final/.test(e.hint ?? ''));
  }
});
