// The remote engines this executable carries (remote/registry.ts), as the
// manifest sees them: what a grant's "category:NAME" expands to
// (agent/manifest/search-grant.ts) and what the service registers.

import { remoteEngines, type RemoteEngine } from './remote/index.ts';

export function remoteCatalog(): readonly RemoteEngine[] {
  return remoteEngines();
}
