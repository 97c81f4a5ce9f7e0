// The router service: agents reach language models only through it. It
// holds no keys (the vault injects them per call), decides which provider,
// key and model serve each request, and records every decision in the ledger.

import { join } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { createHttpClient } from '../../lib/outbound/http-client.ts';
import type { NoSettings, ServiceDefinition } from '../../runtime/supervisor/service.ts';
import { ledgerDir, type LedgerApi, type LedgerServiceApi } from '../ledger/api.ts';
import type { Redaction, VaultApi } from '../vault/api.ts';
import { configPath, loadConfig } from './config.ts';
import { createGatewayRoutes, type GatewayRoutes } from './gateway/server.ts';
import { createRouter } from './router.ts';
import { routerRoutes } from './routes.ts';
import { recoverSpend } from './spend-recovery.ts';
import { loadRouterState, saveRouterState } from './state-file.ts';
import type { Authenticate, CredentialInjector, RouterApi, RouterConfig } from './types.ts';


export interface RouterServiceApi extends RouterApi {
  /** The HTTP handler the agent runtime mounts on an agent's gateway socket. */
  gatewayRoutes(authenticate: Authenticate): GatewayRoutes;
}

/** The production injector: the vault puts the secret in per its rule, for the caller's token. */
export function vaultInjector(vault: RouterVault): CredentialInjector {
  return {
    async inject(grant, request, _hint, caller) {
      if (caller.vaultToken === undefined) {
        throw new OctantError('E_ROUTER_CREDENTIAL', `credential '${grant}': agent ${caller.agent} presented no vault token`, { exit: EXIT.denied, hint: "grant the credential in the agent's manifest" });
      }
      return vault.inject(caller.vaultToken, grant, request);
    },
    redaction: vault,
  };
}

/** How often the router saves its state while it runs (a crash replays at most this much of the ledger). */
const STATE_SAVE_INTERVAL_MS = 60_000;

/** What the router uses of the vault: injection for its calls, tokens for the operator's, redaction of what it passes back. */
export type RouterVault = Pick<VaultApi, 'inject' | 'issueToken'> & Redaction;

/** The router records every decision in the ledger and saves its state with a ledger mark. */
type RouterDeps = { ledger: LedgerApi & Pick<LedgerServiceApi, 'mark'>; vault: RouterVault };

export const routerService: ServiceDefinition<RouterServiceApi, RouterDeps, NoSettings> = {
  name: 'router',
  needs: ['ledger', 'vault'],
  async start(ctx) {
    const { ledger, vault } = ctx.deps;
    const config = await loadConfig(ctx.paths);
    // The outbound client (and its connection pool) is the service's own:
    // made here, closed in stop(), so no provider socket outlives the service.
    const http = createHttpClient();
    const router = createRouter({ config, injector: vaultInjector(vault), ledger, http });
    // Spend survives restarts and crashes (spend-recovery.ts); observed
    // performance survives restarts.
    const statePath = join(ctx.paths.state, 'router', 'state.json');
    const saved = await loadRouterState(statePath, ctx.log);
    if (saved?.ewma !== undefined) router.ewma.restore(saved.ewma as Parameters<typeof router.ewma.restore>[0]);
    const recovered = recoverSpend(router.budgets, ledgerDir(ctx.paths), saved);
    if (recovered.from === 'start' || recovered.entries > 0) ctx.log.info('router spend recovered from the ledger', recovered);
    // The snapshot and the mark are taken in one synchronous step, so the
    // mark separates exactly what the snapshot counts from what it does not.
    let savedAt = saved?.mark?.seq;
    const save = (): void => {
      const mark = ledger.mark();
      saveRouterState(statePath, { budgets: router.budgets.snapshot(), ewma: router.ewma.snapshot(), mark });
      savedAt = mark.seq;
    };
    const saver = setInterval(() => {
      // Nothing appended since the last save: nothing the router counts changed.
      if (ledger.mark().seq === savedAt) return;
      try {
        save();
      } catch (error) {
        ctx.log.warn('router state not saved (the ledger still holds the spend)', { error: (error as Error).message });
      }
    }, STATE_SAVE_INTERVAL_MS);
    saver.unref();
    ctx.log.info('router started', { deployments: config.deployments.length, routes: config.routes.length });
    const gatewayRoutes = (authenticate: Authenticate): GatewayRoutes => createGatewayRoutes({ router, authenticate });
    // `octant router add|rm` on a running system: the file is read and
    // validated again (a bad file changes nothing), the change is in the
    // ledger before it is in force (log first, act second), then in force.
    const reload = async (): Promise<RouterConfig> => {
      const next = await loadConfig(ctx.paths);
      await ledger.append({
        agent: 'system', lineage: [], kind: 'router', action: 'config.reload', target: configPath(ctx.paths), decision: 'allow',
        detail: { deployments: next.deployments.map((d) => d.id), routes: next.routes.map((r) => r.name) },
      });
      router.reconfigure(next);
      ctx.log.info('router configuration reloaded', { deployments: next.deployments.length, routes: next.routes.length });
      return next;
    };
    // Operator gateways (`octant router serve`) opened through the admin API.
    const gateways = new Set<{ close(): Promise<void> }>();
    return {
      api: { ...router, gatewayRoutes },
      routes: routerRoutes({ router, config: () => router.currentConfig(), reload, vault, gatewayRoutes, gateways }),
      health: () => {
        const now = router.currentConfig();
        // A refused record failed only its own request: the router stays
        // healthy, but the operator sees how many and the last reason.
        const refused = router.ledgerRefusals();
        const ledgerNote = refused.last === undefined ? '' : `; ledger refused ${refused.count} record(s), last at ${refused.last.at}: ${refused.last.error}`;
        return { ok: true, detail: `${now.deployments.length} deployment(s), ${now.routes.length} route(s)${ledgerNote}` };
      },
      async stop() {
        await Promise.all([...gateways].map((g) => g.close()));
        clearInterval(saver);
        router.close();
        http.close();
        save();
      },
    };
  },
};
