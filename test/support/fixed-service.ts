// A service that only hands out a given API (a test's ledger or vault), so a
// test can run the real router or agents service in a system whose other
// services it controls. Typed by its API: the service table still checks
// that what it hands out is what the services that need it declare.

import type { ServiceDefinition } from '../../src/runtime/supervisor/service.ts';

export function fixedService<Api>(name: string, needs: readonly string[], api: Api): ServiceDefinition<Api> {
  return { name, needs, start: async () => ({ api, health: () => ({ ok: true }), stop: async () => {} }) };
}
