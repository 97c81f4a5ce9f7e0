// The remote engines this executable carries, as the manifest sees them:
// what a grant's "category:NAME" expands to (agent/manifest/search-grant.ts)
// and what the service registers. Each is an adapter with its own tests.

import type { Engine } from './types.ts';

export function remoteCatalog(): readonly Engine[] {
  return [];
}
