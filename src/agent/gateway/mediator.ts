// The one path every mediated action takes (ARCHITECTURE.md):
//   parse → check against the effective manifest → approval gate if critical
//   → ledger append (durable) → perform → redact secrets → ledger outcome.
// There is no second path: tools are only reachable through mediate().
// Refusals are recorded and returned as structured errors the model can read
// and recover from; they never throw to the caller.

import { isOctantError, messageOf } from '../../lib/errors.ts';
import type { LedgerAppend } from '../../services/ledger/api.ts';
import { manifestRuleFor } from '../../services/quorum/api.ts';
import type { ApprovalRequest } from '../approvals/approval.ts';
import type { GateOutcome } from '../approvals/gate.ts';
import type { AgentSession, AnyTool } from '../tools/tool.ts';

export type ToolReply =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: string; message: string; hint?: string } };

export interface MediatorDeps {
  tools: readonly AnyTool[];
  ledger: LedgerAppend;
  /** The approval gate (requestApproval bound to its store and trust). */
  approve(request: ApprovalRequest, signal?: AbortSignal): Promise<GateOutcome>;
  /** The vault's redactor: values of secrets in play and common key formats. */
  redact(text: string): string;
  /** The same, a slice per event-loop turn: tool results can be large (a fetched body, a file). */
  redactAsync(text: string): Promise<string>;
}

export interface Mediator {
  tools: readonly AnyTool[];
  mediate(session: AgentSession, name: string, rawArgs: unknown, signal?: AbortSignal): Promise<ToolReply>;
}

/**
 * Redact every string inside a JSON-shaped value, keys included. Each string
 * is redacted whole, its end treated as a cut: a tool that truncated its
 * output (fs.read) never shows the head of a secret it cut.
 */
async function redactValue(value: unknown, redact: (text: string) => Promise<string>): Promise<unknown> {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await redactValue(v, redact));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: [string, unknown][] = [];
    for (const [k, v] of Object.entries(value)) out.push([await redact(k), await redactValue(v, redact)]);
    return Object.fromEntries(out); // defines own properties: a "__proto__" key stays a key
  }
  return value;
}

/** The first of the call's governance actions the manifest lists as critical, if any. */
function criticalAction(session: AgentSession, actions: readonly string[]): string | undefined {
  const list = session.manifest.governance.critical;
  return actions.find((action) => list.includes('*') || list.includes(action));
}

type ToolError = { code: string; message: string; hint?: string };

function errorOf(error: unknown): ToolError {
  if (isOctantError(error)) return { code: error.code, message: error.message, hint: error.hint };
  return { code: 'E_TOOL_FAILED', message: messageOf(error) };
}

/** The target named in raw arguments, for recording a refusal that came before a check. */
function rawTarget(rawArgs: unknown): string {
  const args = rawArgs as Record<string, unknown> | null;
  for (const key of ['path', 'url', 'program', 'name', 'query']) if (typeof args?.[key] === 'string') return (args[key] as string).slice(0, 512);
  return '';
}

export function createMediator(deps: MediatorDeps): Mediator {
  const byName = new Map(deps.tools.map((t) => [t.name, t]));
  return {
    tools: deps.tools,
    async mediate(session, name, rawArgs, signal = new AbortController().signal) {
      const base = { agent: session.aid, lineage: session.lineage, kind: 'action', action: name };
      const tool = byName.get(name);
      if (tool === undefined) {
        await deps.ledger({ ...base, target: '', decision: 'deny', detail: { code: 'E_TOOL_UNKNOWN' } });
        return { ok: false, error: { code: 'E_TOOL_UNKNOWN', message: `no tool named ${name}`, hint: `tools: ${[...byName.keys()].join(', ')}` } };
      }
      // 1. Parse and check against the effective manifest.
      let args: unknown;
      let check;
      try {
        args = tool.parse(rawArgs);
        check = await tool.check(session, args);
      } catch (error) {
        const refused = errorOf(error);
        await deps.ledger({ ...base, target: deps.redact(rawTarget(rawArgs)), decision: 'deny', detail: { code: refused.code, reason: deps.redact(refused.message) } });
        return { ok: false, error: { ...refused, message: deps.redact(refused.message) } };
      }
      // 2. Approval when the manifest or system policy makes the call critical.
      const listed = criticalAction(session, [tool.action, ...(check.alsoActions ?? [])]);
      const why = listed !== undefined ? `governance.critical lists ${listed}` : check.critical;
      if (why !== undefined) {
        const evidence = { ...(check.evidence ?? {}), ...(check.review ?? {}) };
        const outcome = await deps.approve({ agent: session.aid, lineage: session.lineage, action: name, target: check.target, reason: why, evidence, manifest: {
          name: session.manifest.identity?.name ?? session.aid,
          rule: manifestRuleFor(session.manifest.governance.quorum, listed ?? tool.action),
        } }, signal);
        if (!outcome.approved) {
          return { ok: false, error: { code: 'E_APPROVAL_DENIED', message: `${name} ${check.target}: not approved (${outcome.reason})`, hint: 'the operator did not approve this action; choose another way or stop' } };
        }
      }
      // 3. Log first: the intent is durable before the action runs.
      await deps.ledger({ ...base, target: check.target, decision: 'allow', detail: { ...(check.evidence ?? {}), approval: why !== undefined } });
      // 4. Perform, 5. redact, 6. record the outcome.
      try {
        const result = await redactValue(await tool.perform(session, args, check.target, signal), (text) => deps.redactAsync(text));
        await deps.ledger({ ...base, action: `${name}.done`, target: check.target, decision: 'ok', detail: { bytes: JSON.stringify(result ?? null).length } });
        return { ok: true, result };
      } catch (error) {
        const failed = errorOf(error);
        // A tool's error may quote what it read or ran (any size): redacted like a result.
        const message = await deps.redactAsync(failed.message);
        await deps.ledger({ ...base, action: `${name}.done`, target: check.target, decision: 'error', detail: { code: failed.code, reason: message } });
        return { ok: false, error: { ...failed, message } };
      }
    },
  };
}
