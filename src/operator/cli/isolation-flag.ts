// The isolation tier on the command line: --isolation TIER, shared by `octant
// run` and `octant agent start` (the tier the operator asks for: it can raise
// what the manifest and the system policy give, never lower it; validation
// rule 11, agent/manifest/isolation-tier.ts), and the system policy itself
// for the commands that apply it without a booted system.

import { stringFlag, type parseCommandArgs } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import type { Paths } from '../../runtime/paths.ts';

export function isolationFlag(parsed: ReturnType<typeof parseCommandArgs>, command: string): 'namespaces' | 'gvisor' | undefined {
  const value = stringFlag(parsed, 'isolation');
  if (value === undefined || value === 'namespaces' || value === 'gvisor') return value;
  throw usageError(`${command}: --isolation must be namespaces or gvisor, not ${JSON.stringify(value)}`);
}

/** octant.yaml services.agents.gvisorRoles. The service table is loaded only when asked (list, inspect, logs do not need it). */
export async function gvisorRolesPolicy(paths: Paths): Promise<string[]> {
  const [{ loadConfig }, { SERVICES }] = await Promise.all([import('../../runtime/config.ts'), import('../service-table.ts')]);
  const roles = (await loadConfig(paths, SERVICES)).services.agents?.gvisorRoles;
  return Array.isArray(roles) ? roles.map(String) : [];
}
