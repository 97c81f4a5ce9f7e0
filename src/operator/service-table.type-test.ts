// Compile-time tests of the typed service contract. Nothing here runs: the
// file is checked by `tsc --noEmit` (npm run typecheck, the first step of
// npm test), and each line under `@ts-expect-error` MUST fail to compile,
// or the check itself fails. Each refusal has its compiling twin beside it.

import type { NoSettings, ServiceDefinition } from '../runtime/supervisor/service.ts';
import type { ObjectSchema } from '../runtime/config-schema.ts';
import { contextService } from '../services/context/api.ts';
import { ledgerService } from '../services/ledger/api.ts';
import { quorumService } from '../services/quorum/api.ts';
import { routerService } from '../services/router/api.ts';
import { searchService } from '../services/search/api.ts';
import { vaultService } from '../services/vault/api.ts';
import { agentsService } from '../agent/lifecycle/service.ts';
import { serviceTable } from './service-table.ts';

type Clock = { now(): number };
type Echo = { echo(text: string): string };

const idle = { health: () => ({ ok: true }), stop: async () => {} };

const clock: ServiceDefinition<Clock, {}, NoSettings> = {
  name: 'clock', needs: [], start: async () => ({ api: { now: () => 0 }, ...idle }),
};
const echo: ServiceDefinition<Echo, { clock: Clock }, NoSettings> = {
  name: 'echo', needs: ['clock'], start: async (ctx) => ({ api: { echo: (text) => `${ctx.deps.clock.now()} ${text}` }, ...idle }),
};
/** A service named clock whose API is not a Clock. */
const notAClock: ServiceDefinition<Echo, {}, NoSettings> = {
  name: 'clock', needs: [], start: async () => ({ api: { echo: (text) => text }, ...idle }),
};

export function tableChecks(): void {
  // Every need met by the service of that name: compiles.
  serviceTable({ clock, echo });
  // A needed service missing from the table.
  // @ts-expect-error echo needs clock, which is not in the table
  serviceTable({ echo });
  // A service of the needed name offering another API.
  // @ts-expect-error clock's API is not the one echo declares
  serviceTable({ clock: notAClock, echo });

  // The real services: the table compiles with all of them...
  serviceTable({ agents: agentsService, context: contextService, ledger: ledgerService, quorum: quorumService, router: routerService, search: searchService, vault: vaultService });
  // ...and not without the vault the router, the context, the search and the agents need,
  // @ts-expect-error router, quorum, context, search and agents need vault
  serviceTable({ agents: agentsService, context: contextService, ledger: ledgerService, quorum: quorumService, router: routerService, search: searchService });
  // ...nor with the ledger standing in for the vault (wrong API under the right name).
  // @ts-expect-error vault's API is not the one router declares
  serviceTable({ agents: agentsService, context: contextService, ledger: ledgerService, quorum: quorumService, router: routerService, search: searchService, vault: { ...ledgerService, name: 'vault' } });
}

export const needsChecks: ServiceDefinition<Echo, { clock: Clock }, NoSettings>[] = [
  // needs lists exactly the declared dependencies: compiles.
  { name: 'echo', needs: ['clock'], start: async (ctx) => ({ api: { echo: (text) => `${ctx.deps.clock.now()} ${text}` }, ...idle }) },
  // A declared dependency missing from needs (it would arrive undefined).
  // @ts-expect-error needs must list clock
  { name: 'echo', needs: [], start: async () => ({ api: { echo: (text) => text }, ...idle }) },
  // A need that is not a declared dependency.
  // @ts-expect-error vault is not among the declared dependencies
  { name: 'echo', needs: ['clock', 'vault'], start: async () => ({ api: { echo: (text) => text }, ...idle }) },
  {
    name: 'echo', needs: ['clock'], start: async (ctx) => {
      // Reaching for a service not declared.
      // @ts-expect-error deps has no vault
      void ctx.deps.vault;
      return { api: { echo: (text) => text }, ...idle };
    },
  },
];

const SETTINGS = { type: 'object', properties: { everyMs: { type: 'integer', min: 0, default: 10 }, label: { type: 'string' } } } as const satisfies ObjectSchema;

export const configChecks: ServiceDefinition<Clock, {}, typeof SETTINGS> = {
  name: 'clock', needs: [], configSchema: SETTINGS,
  async start(ctx) {
    // A setting with a default is always there; one without may be absent.
    const every: number = ctx.config.everyMs;
    // @ts-expect-error label has no default: string | undefined
    const label: string = ctx.config.label;
    // @ts-expect-error a misspelt setting does not exist
    void ctx.config.everyMS;
    return { api: { now: () => every + (label?.length ?? 0) }, ...idle };
  },
};
