// --isolation TIER, shared by `octant run` and `octant agent start`: the tier
// the operator asks for. It can raise what the manifest and the system policy
// give, never lower it (validation rule 11, agent/manifest/isolation-tier.ts).

import { stringFlag, type parseCommandArgs } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';

export function isolationFlag(parsed: ReturnType<typeof parseCommandArgs>, command: string): 'namespaces' | 'gvisor' | undefined {
  const value = stringFlag(parsed, 'isolation');
  if (value === undefined || value === 'namespaces' || value === 'gvisor') return value;
  throw usageError(`${command}: --isolation must be namespaces or gvisor, not ${JSON.stringify(value)}`);
}
