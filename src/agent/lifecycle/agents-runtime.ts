// The agents service's runtime: the lifecycle manager composed with the real
// pieces (manifests, kernel isolation, the gateway with its tools and
// approval gate, the router's LLM gateway) and its admin routes. Loaded on
// the first request (service.ts), so a boot does not pay for it.

import { isAbsolute } from 'node:path';
import { OctantError, EXIT } from '../../lib/errors.ts';
import type { AdminHandler } from '../../runtime/admin/types.ts';
import type { ApprovalRequest } from '../approvals/approval.ts';
import { governedApproval } from '../approvals/governed.ts';
import { recentLedger } from '../approvals/recent-entries.ts';
import type { AgentRoute, AgentsContext } from './service.ts';
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

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

function stringField(body: unknown, name: string): string {
  const value = field(body, name);
  if (typeof value !== 'string' || value === '') throw new OctantError('E_USAGE', `request body: '${name}' must be a non-empty string`, { exit: EXIT.usage });
  return value;
}

/** The optional `isolation` the operator asked for: 'namespaces' or 'gvisor'. */
function isolationField(body: unknown): 'namespaces' | 'gvisor' | undefined {
  const value = field(body, 'isolation');
  if (value === undefined) return undefined;
  if (value !== 'namespaces' && value !== 'gvisor') throw new OctantError('E_USAGE', "request body: 'isolation' must be \"namespaces\" or \"gvisor\"", { exit: EXIT.usage });
  return value;
}

/** The optional `acceptUnenforcedLimits` (octant run --accept-unenforced-limits): true or absent. */
function acceptField(body: unknown): boolean {
  const value = field(body, 'acceptUnenforcedLimits');
  if (value !== undefined && typeof value !== 'boolean') throw new OctantError('E_USAGE', "request body: 'acceptUnenforcedLimits' must be true or false", { exit: EXIT.usage });
  return value === true;
}

/** The optional `approvals`: a list of signed approvals (objects; the manifest port reads each). */
function approvalsField(body: unknown): unknown[] | undefined {
  const value = field(body, 'approvals');
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 16 || !value.every((a) => typeof a === 'object' && a !== null && !Array.isArray(a))) {
    throw new OctantError('E_USAGE', "request body: 'approvals' must be a list of at most 16 signed approvals (objects)", { exit: EXIT.usage });
  }
  return value;
}

export function agentRoutes(manager: LifecycleManager): Record<AgentRoute, AdminHandler> {
  return {
    'GET /list': () => ({ body: manager.list() }),
    'GET /inspect': (req) => ({ body: manager.get(req.query.get('aid') ?? '') }),
    'POST /start': async (req) => {
      const signed = loadSignedManifest({ text: stringField(req.body, 'manifest'), origin: String(field(req.body, 'origin') ?? 'request') });
      const command = field(req.body, 'command');
      if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string')) {
        throw new OctantError('E_USAGE', "request body: 'command' must be a non-empty list of strings", { exit: EXIT.usage });
      }
      const parent = field(req.body, 'parent');
      return { body: await manager.start({ signed, command, parent: typeof parent === 'string' ? parent : undefined, wrapped: field(req.body, 'wrapped') === true, isolation: isolationField(req.body), acceptUnenforcedLimits: acceptField(req.body), approvals: approvalsField(req.body) }) };
    },
    // The built-in loop: the command is the system's own `agent-loop`, the task a file in /run/octant.
    'POST /run': async (req) => {
      const signed = loadSignedManifest({ text: stringField(req.body, 'manifest'), origin: String(field(req.body, 'origin') ?? 'request') });
      const task = parseLoopTask(field(req.body, 'task'));
      return { body: await manager.start({ signed, command: ['agent-loop'], self: true, files: { 'task.json': JSON.stringify(task) }, isolation: isolationField(req.body), acceptUnenforcedLimits: acceptField(req.body), approvals: approvalsField(req.body) }) };
    },
    // Long request: answers once the agent is archived (octant run waits on it).
    'POST /wait': async (req) => ({ body: await manager.waitForEnd(stringField(req.body, 'aid')) }),
    'POST /suspend': async (req) => ({ body: await manager.suspend(stringField(req.body, 'aid')) }),
    'POST /resume': async (req) => ({ body: await manager.resume(stringField(req.body, 'aid')) }),
    'POST /stop': async (req) => ({ body: await manager.terminate(stringField(req.body, 'aid'), String(field(req.body, 'reason') ?? 'operator stop')) }),
  };
}

export interface AgentsRuntime {
  manager: LifecycleManager;
  routes: Record<AgentRoute, AdminHandler>;
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
      llm: (authenticate) => router.gatewayHandler(authenticate),
      approve,
      newDestinationIsCritical: ctx.config.newDestinationApproval,
      extraTools: (agent, session) => agentTools(self, mailboxes, agent, session),
    }),
  });
  return { manager, routes: agentRoutes(manager) };
}
