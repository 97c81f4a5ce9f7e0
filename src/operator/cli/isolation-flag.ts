// The isolation tier on the command line: --isolation TIER, shared by `octant
// run` and `octant agent start` (the tier the operator asks for: it can raise
// what the manifest and the system policy give, never lower it; validation
// rule 11, agent/manifest/isolation-tier.ts), and the system policy itself
// for the commands that apply it without a booted system.

import { stringFlag, type parseCommandArgs } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { AgentsSettings } from '../../agent/lifecycle/service.ts';

export function isolationFlag(parsed: ReturnType<typeof parseCommandArgs>, command: string): 'namespaces' | 'gvisor' | undefined {
  const value = stringFlag(parsed, 'isolation');
  if (value === undefined || value === 'namespaces' || value === 'gvisor') return value;
  throw usageError(`${command}: --isolation must be namespaces or gvisor, not ${JSON.stringify(value)}`);
}

/**
 * octant.yaml services.agents, validated, defaults filled in from the agents
 * service's schema (the only place they are written), for the commands that
 * run agents or apply the system policy without a booted system. The
 * service table is loaded only when asked (list, inspect, logs do not need it).
 */
export async function agentsSettings(paths: Paths): Promise<AgentsSettings> {
  const [{ loadConfig }, { validateConfig }, { SERVICES }, { AGENTS_CONFIG }] = await Promise.all([
    import('../../runtime/config.ts'), import('../../runtime/config-schema.ts'), import('../service-table.ts'), import('../../agent/lifecycle/service.ts'),
  ]);
  const config = await loadConfig(paths, SERVICES);
  // Already checked with the same schema by loadConfig; checked again here to come back typed.
  return validateConfig(AGENTS_CONFIG, config.services.agents ?? {}, 'services.agents', config.file);
}

/** octant.yaml services.agents.gvisorRoles. */
export async function gvisorRolesPolicy(paths: Paths): Promise<string[]> {
  return (await agentsSettings(paths)).gvisorRoles;
}
