// The shape of one mediated tool. The gateway runs every call through the
// same path (ARCHITECTURE.md "The path of one action"): parse → check against
// the effective manifest → approval if critical → ledger → perform → redact →
// ledger outcome. A tool only says how to parse, check and perform.

import type { EffectiveManifest } from '../manifest/schema.ts';
import type { HostUser } from './host-user.ts';

/** The agent a call is made for, as the gateway knows it (never from the agent's say-so). */
export interface AgentSession {
  aid: string;
  lineage: string[];
  manifest: EffectiveManifest;
  /**
   * Host paths of the agent's workspace: its scratch directory and the first
   * of its manifest's write paths. Writes to its other write paths are
   * critical by system policy (they need an operator's approval).
   */
  workspace: readonly string[];
  /**
   * The host uid/gid the agent runs as (SandboxPolicy.user): the file tools
   * act on the host with it, never as host root.
   */
  user: HostUser;
  /** The scratch directory: seen inside the sandbox at `inside`, kept on the host at `host`. */
  scratch?: { inside: string; host: string };
  /** Hosts this agent has already contacted (for the "new destination" policy). */
  contacted: Set<string>;
  /** The agent's scoped token: the gateway checks it, the vault honours it. Host-side only. */
  token: string;
  /** The agent's egress proxy socket (host side); absent when it has no network grants. */
  egressSocket?: string;
}

/** What the check decided: the target to record, and why the call is critical if it is. */
export interface ToolCheck {
  target: string;
  /** Set when system policy makes this call critical (needs approval) whatever the manifest says. */
  critical?: string;
  /** Facts for the ledger and the approval evidence (no secret values). */
  evidence?: Record<string, unknown>;
  /** Shown to an approver in addition to `evidence`, never written to the ledger (e.g. the content itself). */
  review?: Record<string, unknown>;
  /**
   * Other governance actions this call performs besides the tool's own
   * (http.fetch that injects a vault credential is also credential.use):
   * if the manifest lists any of them as critical, the call waits for approval.
   */
  alsoActions?: string[];
}

export interface Tool<Args = unknown> {
  /** Dotted name, e.g. "fs.read"; the model sees it as fs_read. */
  name: string;
  /** The governance action this tool counts as (manifest governance.critical). */
  action: string;
  description: string;
  /** JSON Schema of the arguments, as given to the model (with the limits `parse` enforces). */
  parameters: Record<string, unknown>;
  /** Limits that are not on an argument (bytes read, output kept), for the tool reference (docs/tools.md). */
  limits?: readonly string[];
  /** Validate raw arguments; throw OctantError E_TOOL_ARGS naming the field. */
  parse(raw: unknown): Args;
  /** Throw OctantError E_TOOL_DENIED when the manifest does not grant the call. */
  check(session: AgentSession, args: Args): Promise<ToolCheck> | ToolCheck;
  /** Perform on the checked `target` (the resolved path, the host...). */
  perform(session: AgentSession, args: Args, target: string, signal: AbortSignal): Promise<unknown>;
}

export type AnyTool = Tool<any>;

/** What a tool says about itself, without its behaviour: what tool factories
 *  export so the reference can be generated without building a tool. */
export type ToolDescription = Pick<Tool, 'name' | 'action' | 'description' | 'parameters' | 'limits'>;
