// THE table of services the system runs: every service, the agent layer's
// included, one line each, sorted by name. Adding a service is one folder
// (services/<name>/) and one line here; the supervisor orders them by their
// `needs`, not by their place in this table.
//
// It lives in the operator layer because the agents service lives in the
// agent layer and imports only point down (docs/architecture.md "Services").
// Tests that need another table build their own with serviceTable().

import { OctantError } from '../lib/errors.ts';
import type { AnyService, RunningService, ServiceContext } from '../runtime/supervisor/service.ts';
import { agentsService } from '../agent/lifecycle/service.ts';
import { contextService } from '../services/context/api.ts';
import { ledgerService } from '../services/ledger/api.ts';
import { quorumService } from '../services/quorum/api.ts';
import { routerService } from '../services/router/api.ts';
import { searchService } from '../services/search/api.ts';
import { vaultService } from '../services/vault/api.ts';

/** The API a definition offers (unknown, which fits no typed need, if it cannot be read). */
type ApiOf<S> = S extends { start(ctx: never): Promise<RunningService<infer Api>> } ? Api : unknown;

/** The APIs a definition needs, by service name. */
type DepsOf<S> = S extends { start(ctx: ServiceContext<infer Deps, never>): unknown } ? Deps : never;

/** Each unmet need of `name`, as a sentence the compiler prints (an untyped test service declares none). */
type UnmetNeeds<T, Name extends keyof T, Deps = DepsOf<T[Name]>> = string extends keyof Deps ? never : {
  [D in keyof Deps & string]: D extends keyof T
    ? ApiOf<T[D]> extends Deps[D] ? never : `service ${Name & string} needs ${D}, but ${D}'s API is not the one ${Name & string} declares`
    : `service ${Name & string} needs ${D}, which is not in the table`;
}[keyof Deps & string];

/** Every unmet need in the table (never when each need is met by the service of that name with a fitting API). */
export type TableProblems<T> = { [Name in keyof T]: UnmetNeeds<T, Name> }[keyof T];

/**
 * A table keyed by service name. It compiles only when every service's needs
 * are met: a service of that name is in the table and its API is assignable
 * to what the needing service declared. (The supervisor checks the same
 * names again at start: E_SERVICE_MISSING_DEP.)
 */
export function serviceTable<const T extends Record<string, AnyService>>(
  table: T & ([TableProblems<T>] extends [never] ? unknown : { unmet: TableProblems<T> }),
): readonly AnyService[] {
  // A key that is not its service's name would check one service's needs
  // against another's API: refuse it where the table is made.
  for (const [key, service] of Object.entries(table)) {
    if (service.name !== key) throw new OctantError('E_SERVICE_TABLE', `service table: key '${key}' holds the service named '${service.name}'`);
  }
  return Object.values(table);
}

export const SERVICES = serviceTable({
  agents: agentsService,
  context: contextService,
  ledger: ledgerService,
  quorum: quorumService,
  router: routerService,
  search: searchService,
  vault: vaultService,
});
