// The agents service: the lifecycle manager inside the booted system, with
// its admin routes under /v1/agents/ (what `octant agent ...` and
// `octant run` call). It lives in the agent layer; the one service table
// (operator/service-table.ts) lists it with the others.
//
// Boot stays lean: the agent runtime (manifests, sandboxes, gateway, tools)
// is loaded by the first request, not at start. Until then the service is
// healthy and idle.

import { join } from 'node:path';
import { messageOf } from '../../lib/errors.ts';
import type { AdminRequest, AdminRoutes } from '../../runtime/admin/types.ts';
import { AGENTS_API } from './agents-api.ts';
import type { ConfigOf, ObjectSchema } from '../../runtime/config-schema.ts';
import type { ServiceContext, ServiceDefinition } from '../../runtime/supervisor/service.ts';
import type { LedgerApi } from '../../services/ledger/api.ts';
import type { RouterServiceApi } from '../../services/router/api.ts';
import type { VaultApi } from '../../services/vault/api.ts';
import type { QuorumApi } from '../../services/quorum/api.ts';
import type { SearchApi } from '../../services/search/api.ts';
import type { ContextServiceApi } from '../../services/context/api.ts';
import type { AgentsRuntime } from './agents-runtime.ts';
import { hostCgroupPlacement } from '../../kernel/cgroups/placement.ts';
import { listRecords } from './records.ts';
import roles from '../manifest/data/roles.json' with { type: 'json' };


export interface AgentsServiceApi {
  /** The runtime, loading it if no request has yet. */
  runtime(): Promise<AgentsRuntime>;
}

/** What `octant status` says about resource limits (kernel/cgroups/placement.ts). */
function limitsLine(accepted: boolean): string {
  let placement: ReturnType<typeof hostCgroupPlacement>;
  try {
    placement = hostCgroupPlacement();
  } catch (error) {
    // No usable hierarchy even for root: agents fail at their start, naming it; the service itself is fine.
    return `resource limits: ${messageOf(error)}`;
  }
  if (placement.enforced) return `resource limits enforced (${placement.detail})`;
  return `resource limits NOT enforced (${placement.reason}): ${accepted ? 'accepted by services.agents.acceptUnenforcedLimits' : 'agents are refused unless run with --accept-unenforced-limits'}`;
}

/** Schema of services.agents in octant.yaml: the only place its defaults are written. */
export const AGENTS_CONFIG = {
  type: 'object',
  properties: {
    approvalTimeoutSeconds: { type: 'integer', min: 1, max: 7 * 24 * 3600, default: 300, doc: 'how long an operator has to decide a critical action; then it is denied' },
    newDestinationApproval: { type: 'boolean', default: false, doc: 'system policy: an agent\'s first request to each host waits for approval' },
    uids: {
      doc: 'run as root, each agent runs as its own uid from this range and the shared agents group gid (docs/isolation.md "The agent\'s uid")',
      type: 'object',
      properties: {
        start: { type: 'integer', min: 1000, max: 4_000_000_000, default: 200_000, doc: 'first uid of the range' },
        count: { type: 'integer', min: 1, max: 1 << 24, default: 65_536, doc: 'number of uids in the range' },
        gid: { type: 'integer', min: 1000, max: 4_294_967_293, default: 200_000, doc: 'the group every agent shares' },
      },
    },
    sandboxDir: { type: 'string', default: '/var/lib/octant-sandboxes', doc: 'where agents\' scratch and run directories live: every agent uid must be able to traverse it' },
    gvisorRoles: { type: 'array', items: { type: 'string', enum: ['*', ...roles.roles.map((r) => r.name)] }, default: [], doc: 'system policy: agents of these roles run under gVisor whatever their manifest says ("*": every agent). Raises the tier, never lowers it. Only known roles: a misspelt one would silently protect nobody' },
    acceptUnenforcedLimits: { type: 'boolean', default: false, doc: 'where agents\' cgroups cannot be created (an ordinary user on cgroup v1, or v2 without a delegated subtree), their memory, pids and cpu limits cannot be enforced: such agents are refused unless this is true (or the run says --accept-unenforced-limits). Each agent\'s record and ledger entries say which applied' },
  },
} as const satisfies ObjectSchema;

export type AgentsSettings = ConfigOf<typeof AGENTS_CONFIG>;

/** What agents use of the services below them (each from that service's public API). */
export type AgentsDeps = {
  ledger: LedgerApi;
  vault: VaultApi;
  /** The LLM gateway mounted on each agent's gateway socket. */
  router: Pick<RouterServiceApi, 'gatewayRoutes'>;
  /** The panel that votes on critical actions before a human sees them (agent/approvals/governed.ts). */
  quorum: QuorumApi;
  /** What the search.query tool asks (the engines, and the query itself). */
  search: Pick<SearchApi, 'engines' | 'query'>;
  /** Agents' memory: the mediated memory tools and the sharing declared at each start. */
  context: ContextServiceApi;
};

export type AgentsContext = ServiceContext<AgentsDeps, AgentsSettings>;

export const agentsService: ServiceDefinition<AgentsServiceApi, AgentsDeps, typeof AGENTS_CONFIG> = {
  name: 'agents',
  needs: ['ledger', 'vault', 'router', 'quorum', 'context', 'search'],
  configSchema: AGENTS_CONFIG,
  async start(ctx) {
    let loaded: AgentsRuntime | undefined;
    let loading: Promise<AgentsRuntime> | undefined;
    const runtime = (): Promise<AgentsRuntime> => (loading ??= import('./agents-runtime.ts').then((m) => (loaded = m.createAgentsRuntime(ctx))));
    // Reconciliation: records a crashed run left live are ended before the
    // service is ready, so "ready" means no record claims a dead agent runs
    // (`agent list` reads the records on disk). Only a start after a crash
    // pays for it: the runtime loads only if there are such records.
    let reconciled = 0;
    let reconcileError: string | undefined;
    const reconciling = (async () => {
      const stale = listRecords(join(ctx.paths.state, 'agents')).filter((r) => r.state !== 'archived' && r.state !== 'rejected');
      if (stale.length === 0) return;
      ctx.log.warn('agents left live by a previous run: reconciling', { count: stale.length });
      reconciled = (await (await runtime()).manager.reconcile()).length;
    })().catch((error: unknown) => {
      reconcileError = messageOf(error);
      ctx.log.error('reconciling agents after a crash failed', { error: reconcileError });
    });
    await reconciling;
    // The endpoints are mounted at start (declared in agents-api.ts); each
    // hands its request to the runtime's route for the same endpoint, loading
    // the runtime with the first request.
    const routes: AdminRoutes = Object.values(AGENTS_API).map((declared) => ({
      ...declared,
      handler: async (request: AdminRequest) => {
        const served = (await runtime()).routes.find((r) => r.method === declared.method && r.path === declared.path);
        if (served === undefined) throw new Error(`agents runtime serves no ${declared.method} ${declared.path}`);
        return served.handler(request);
      },
    }));
    return {
      api: { runtime },
      routes,
      health: () => {
        const after = reconciled > 0 ? `; ${reconciled} agent(s) a crashed run left were terminated and archived at start` : '';
        if (reconcileError !== undefined) return { ok: false, detail: `reconciling agents left by a crashed run failed: ${reconcileError}` };
        return { ok: true, detail: `${loaded ? `${loaded.manager.liveManifests().length} live agents` : 'idle (the agent runtime loads with the first request)'}${after}; ${limitsLine(ctx.config.acceptUnenforcedLimits)}` };
      },
      stop: async () => {
        if (loading !== undefined) await (await loading).manager.close('system stop');
      },
    };
  },
};
