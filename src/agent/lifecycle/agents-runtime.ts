// The agents service's runtime: the lifecycle manager composed with the real
// pieces (manifests, kernel isolation, the gateway with its tools and
// approval gate, the router's LLM gateway) and its admin routes. Loaded on
// the first request (service.ts), so a boot does not pay for it.

import { isAbsolute } from 'node:path';
import { OctantError, EXIT } from '../../lib/errors.ts';
import { route } from '../../lib/http/route.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { AGENTS_API } from './agents-api.ts';
import type { ApprovalRequest } from '../approvals/approval.ts';
import { governedApproval } from '../approvals/governed.ts';
import { recentLedger } from '../approvals/recent-entries.ts';
import type { AgentsContext } from './service.ts';
import { loadSignedManifest, loadTrustStore } from '../manifest/index.ts';
import { ApprovalStore, approvalsDir } from '../approvals/store.ts';
import { requestApproval } from '../approvals/gate.ts';
import { agentGatewayPort } from '../gateway/port.ts';
import { DescriptorBudget } from '../gateway/limits.ts';
import { parseLoopTask } from '../loop/task.ts';
import { agentTools } from '../tools/agent-tools.ts';
import type { Mailboxes } from '../tools/message.ts';
import { composeLifecycle } from './compose.ts';
import type { LifecycleManager } from './manager.ts';

/** The handlers of AGENTS_API (agents-api.ts), in its order. */
export function agentRoutes(manager: LifecycleManager): AdminRoutes {
  const origin = (value: string | undefined): string => value ?? 'request';
  return [
    route(AGENTS_API.list, () => manager.list()),
    route(AGENTS_API.inspect, (req) => manager.get(req.query.get('aid') ?? '')),
    route(AGENTS_API.start, async ({ body }) => {
      const signed = loadSignedManifest({ text: body.manifest, origin: origin(body.origin) });
      return manager.start({ signed, command: body.command, parent: body.parent, wrapped: body.wrapped === true, isolation: body.isolation, acceptUnenforcedLimits: body.acceptUnenforcedLimits === true, approvals: body.approvals });
    }),
    route(AGENTS_API.run, async ({ body }) => {
      const signed = loadSignedManifest({ text: body.manifest, origin: origin(body.origin) });
      const task = parseLoopTask(body.task);
      return manager.start({ signed, command: ['agent-loop'], self: true, files: { 'task.json': JSON.stringify(task) }, isolation: body.isolation, acceptUnenforcedLimits: body.acceptUnenforcedLimits === true, approvals: body.approvals });
    }),
    route(AGENTS_API.wait, ({ body }) => manager.waitForEnd(body.aid)),
    route(AGENTS_API.suspend, ({ body }) => manager.suspend(body.aid)),
    route(AGENTS_API.resume, ({ body }) => manager.resume(body.aid)),
    route(AGENTS_API.stop, ({ body }) => manager.terminate(body.aid, body.reason ?? 'operator stop')),
    route(AGENTS_API.get, ({ params }) => manager.get(params.aid)),
  ];
}

export interface AgentsRuntime {
  manager: LifecycleManager;
  routes: AdminRoutes;
}

export function createAgentsRuntime(ctx: AgentsContext): AgentsRuntime {
  const approvalTimeoutMs = ctx.config.approvalTimeoutSeconds * 1000;
  const { ledger, vault, router } = ctx.deps;
  const mailboxes: Mailboxes = new Map();
  const { uids, sandboxDir } = ctx.config;
  if (!isAbsolute(sandboxDir)) throw new OctantError('E_CONFIG', `services.agents.sandboxDir: must be an absolute path, got ${JSON.stringify(sandboxDir)}`, { exit: EXIT.usage });
  // One gate for the gateway's tools and for what wrapped programs do directly:
  // the quorum's panel votes first, a human decides what it escalates.
  const { quorum } = ctx.deps;
  const recent = recentLedger(ledger.append);
  const approvals = { store: new ApprovalStore(approvalsDir(ctx.paths)), trust: () => loadTrustStore(ctx.paths), timeoutMs: approvalTimeoutMs };
  const approve = (request: ApprovalRequest, signal?: AbortSignal) => governedApproval(request, {
    quorum,
    human: (r, s) => requestApproval(r, { ...approvals, ledger: recent.append }, s),
    recent: (agent) => recent.recent(agent),
  }, signal);
  // One descriptor budget for every agent connection the daemon holds:
  // gateways and egress proxies alike; the services keep their reserve.
  const descriptors = new DescriptorBudget();
  const manager = composeLifecycle({
    paths: ctx.paths,
    // Lifecycle and egress entries feed the recent entries a proposal shows;
    // an agent's are forgotten when its partition is sealed.
    ledger: { append: recent.append, seal: (agent, detail) => { recent.forget(agent); return ledger.seal(agent, detail); } },
    vault,
    log: ctx.log,
    isolation: { descriptors },
    identities: { uids, sandboxDir },
    approve: (request) => approve(request),
    gvisorRoles: ctx.config.gvisorRoles,
    acceptUnenforcedLimits: ctx.config.acceptUnenforcedLimits,
    gateway: (self) => agentGatewayPort({
      descriptors,
      ledger: recent.append,
      vault,
      llm: (authenticate) => router.gatewayRoutes(authenticate),
      search: ctx.deps.search,
      approve,
      newDestinationIsCritical: ctx.config.newDestinationApproval,
      extraTools: (agent, session) => agentTools(self, mailboxes, agent, session, ctx.deps.context),
    }),
  });
  return { manager, routes: agentRoutes(manager) };
}
