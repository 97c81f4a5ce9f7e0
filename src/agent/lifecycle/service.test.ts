// The agents service's configuration: the isolation policy takes known roles
// (or "*") only, so a misspelt role stops the boot instead of protecting nobody.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromValue } from '../../runtime/config.ts';
import { isOctantError } from '../../lib/errors.ts';
import { agentsService } from './service.ts';

test('services.agents.gvisorRoles: known roles and "*" load; an unknown role is E_CONFIG naming the key; default none', () => {
  const load = (agents: unknown) => configFromValue({ services: { agents } }, 'octant.yaml', [agentsService], true);
  assert.deepEqual(load({ gvisorRoles: ['web', '*'] }).services.agents.gvisorRoles, ['web', '*']);
  assert.deepEqual(load({}).services.agents.gvisorRoles, []);
  assert.throws(() => load({ gvisorRoles: ['wbe'] }), (e) => isOctantError(e, 'E_CONFIG') && e.message.includes('services.agents.gvisorRoles[0]'));
});
