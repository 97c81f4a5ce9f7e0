// The production GatewayPort: for each agent the lifecycle manager isolates,
// build its session (from the validated manifest, never from the agent),
// the tools its manifest can use, the mediator with the approval gate, and
// the LLM gateway of the router, then serve them on the agent's socket.

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteGroup } from '../../lib/http/route.ts';
import type { LedgerAppend } from '../../services/ledger/api.ts';
import type { OutboundRequest, Redaction } from '../../services/vault/api.ts';
import type { KeyLookup } from '../manifest/sign.ts';
import type { EffectiveManifest } from '../manifest/schema.ts';
import type { ApprovalRequest } from '../approvals/approval.ts';
import type { GateOutcome } from '../approvals/gate.ts';
import type { GatewayAgent, GatewayPort } from '../lifecycle/ports.ts';
import { fsTools } from '../tools/fs-tools.ts';
import { httpFetchTool } from '../tools/http-fetch.ts';
import { searchQueryTool, type SearchQueryDeps } from '../tools/search-query.ts';
import type { AgentSession, AnyTool } from '../tools/tool.ts';
import { createMediator } from './mediator.ts';
import { startGateway } from './server.ts';
import { DescriptorBudget, limitRecorder, type GatewayLimits } from './limits.ts';

/** What the router's gateway needs to know about a caller (its Caller shape). */
export interface LlmCaller {
  agent: string;
  lineage: string[];
  vaultToken?: string;
}

export interface AgentGatewayOptions {
  ledger: LedgerAppend;
  vault: Redaction & {
    injectPlaceholders(token: string, request: OutboundRequest): Promise<OutboundRequest>;
  };
  /** The router's OpenAI/Anthropic-compatible routes for an authenticator, if a router runs. */
  llm?: (authenticate: (token: string) => Promise<LlmCaller | undefined>) => readonly RouteGroup<LlmCaller>[];
  /** The approval gate for critical actions (the quorum, then a human: approvals/governed.ts). */
  approve(request: ApprovalRequest, signal?: AbortSignal): Promise<GateOutcome>;
  /** System policy: the first request to each host needs approval. */
  newDestinationIsCritical?: boolean;
  /** Transcript cap in bytes (default TRANSCRIPT_LIMIT). */
  transcriptLimitBytes?: number;
  /** The search service, for search.query (offered to an agent whose manifest grants search). */
  search?: SearchQueryDeps['search'];
  /** More tools built per agent (exec, agent.spawn, agent.message, memory). */
  extraTools?: (agent: GatewayAgent, session: AgentSession) => AnyTool[] | Promise<AnyTool[]>;
  /** Per-agent gateway limits (gateway/limits.ts). */
  limits?: Partial<GatewayLimits>;
  /** The daemon's one descriptor budget, shared with the egress proxies; default: one of its own. */
  descriptors?: DescriptorBudget;
}

/** Per-agent cap on the transcript file: the agent writes it, so it must not fill the disk. */
export const TRANSCRIPT_LIMIT = 16 * 1024 * 1024;

/**
 * The transcript is what the agent says about itself: kept for operators
 * (`octant agent logs --transcript`), redacted like everything else, and
 * capped (one closing line says where it stopped). A line can be as large as
 * the gateway's body limit: it is redacted a slice per event-loop turn, and
 * lines are written in the order they came.
 */
export function transcriptWriter(file: string, redact: (text: string) => Promise<string>, limit: number): (line: Record<string, unknown>) => Promise<void> {
  let written = 0;
  let full = false;
  let queue: Promise<void> = Promise.resolve();
  const write = async (line: Record<string, unknown>): Promise<void> => {
    if (full) return;
    const text = `${await redact(JSON.stringify(line))}\n`;
    if (written + Buffer.byteLength(text) > limit) {
      full = true;
      appendFileSync(file, `${JSON.stringify({ time: new Date().toISOString(), type: 'truncated', limitBytes: limit })}\n`, { mode: 0o600 });
      return;
    }
    written += Buffer.byteLength(text);
    appendFileSync(file, text, { mode: 0o600 });
  };
  return (line) => (queue = queue.then(() => write(line)));
}

/** Where the scratch directory appears inside the sandbox. */
export const SCRATCH_INSIDE = '/scratch';

export function sessionFor(agent: GatewayAgent): AgentSession {
  const manifest = agent.manifest.effective as EffectiveManifest;
  const firstWrite = manifest.filesystem.write[0];
  return {
    aid: agent.aid,
    lineage: agent.lineage,
    manifest,
    workspace: firstWrite === undefined ? [agent.scratch] : [agent.scratch, firstWrite],
    scratch: { inside: SCRATCH_INSIDE, host: agent.scratch },
    user: agent.policy.user,
    contacted: new Set(),
    token: agent.token,
    egressSocket: agent.egressSocket,
  };
}

export function agentGatewayPort(options: AgentGatewayOptions): GatewayPort {
  // One descriptor budget for every agent's gateway in this daemon.
  const descriptors = options.descriptors ?? new DescriptorBudget();
  return {
    async open(agent, socketPath) {
      const session = sessionFor(agent);
      const tools: AnyTool[] = [...fsTools];
      if (agent.egressSocket !== undefined) tools.push(httpFetchTool({
        injectPlaceholders: (token, request) => options.vault.injectPlaceholders(token, request),
        redactStream: () => options.vault.redactStream(),
        newDestinationIsCritical: options.newDestinationIsCritical,
      }));
      if (options.search !== undefined && session.manifest.search !== undefined) tools.push(searchQueryTool({ search: options.search }));
      tools.push(...((await options.extraTools?.(agent, session)) ?? []));
      const mediator = createMediator({
        tools,
        ledger: options.ledger,
        approve: (request, signal) => options.approve(request, signal),
        redact: (text) => options.vault.redact(text),
        redactAsync: (text) => options.vault.redactAsync(text),
      });
      // The router authenticates the agent by the same token the gateway checked.
      const llm = options.llm?.(async (token) => (token === agent.token ? { agent: agent.aid, lineage: agent.lineage, vaultToken: agent.token } : undefined));
      const transcript = transcriptWriter(join(agent.dir, 'transcript.jsonl'), (text) => options.vault.redactAsync(text), options.transcriptLimitBytes ?? TRANSCRIPT_LIMIT);
      // A limit hit fails that request or connection only; the ledger hears of it (throttled).
      const onLimit = limitRecorder((kind, detail) => options.ledger({
        agent: agent.aid, lineage: agent.lineage, kind: 'limit', action: `gateway.${kind}`, target: agent.aid, decision: 'deny', detail,
      }));
      return startGateway({
        socketPath,
        session,
        token: agent.token,
        mediator,
        llm,
        transcript,
        limits: options.limits,
        descriptors,
        onLimit,
      });
    },
  };
}
