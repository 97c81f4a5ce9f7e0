// THE table of services the supervisor runs, sorted by name. A service adds
// one import and one line here; the supervisor orders them by their `needs`,
// not by their place in this list. Only real services belong here (tests
// define their own).

import type { ServiceDefinition } from '../runtime/supervisor/service.ts';
import { ledgerService } from './ledger/index.ts';
import { quorumService } from './quorum/index.ts';
import { routerService } from './router/index.ts';
import { vaultService } from './vault/index.ts';

export const SERVICES: readonly ServiceDefinition[] = [
  ledgerService,
  quorumService,
  routerService,
  vaultService,
];
