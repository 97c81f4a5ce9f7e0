// The lifecycle manager: drives each agent through the state machine
// (state-machine.ts) — validate → reserve → isolate → run → suspend/resume →
// terminate → archive — with every dependency injected (ports.ts).
//
// Log first, act second: each transition is appended to the ledger (with the
// agent's AID and lineage) before its work starts; the record on disk
// follows once the work is done. Operations on one agent are serialised, so
// a TTL expiry, an operator stop and the agent's own exit cannot interleave.

import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';
import { silentLogger } from '../../runtime/log.ts';
import type { AgentUser, SandboxPolicy } from '../../kernel/sandbox-policy.ts';
import { createAidGenerator } from './aid.ts';
import { nextState, type AgentEvent, type AgentState } from './state-machine.ts';
import { agentDir, readRecord, listRecords, writeRecord, type AgentLimits, type AgentRecord } from './records.ts';
import { limitsUnenforced } from '../../kernel/sandbox/launch.ts';
import { checkSpawn, type SpawnNode } from './spawn-rules.ts';
import { checkRetainPaths } from './retention.ts';
import { realScheduler, type CgroupPort, type ExitStatus, type LifecycleDeps, type OpenGateway, type ProxyPort, type RunningSandbox, type ValidatedManifest } from './ports.ts';
import { terminationSequence, type TerminationHooks } from './termination.ts';
import { createSandboxArea, giveToAgent, sandboxArea, writeAgentFile } from './sandbox-area.ts';
import { governWrapped, type WrappedGovernance } from './wrapped-governance.ts';
import type { ApprovalRequest } from '../approvals/approval.ts';
import { manifestRuleFor } from '../../services/quorum/api.ts';

/** Where the agent's own pieces appear inside its sandbox. */
export const SANDBOX_SCRATCH = '/scratch';
export const SANDBOX_RUN = '/run/octant';
export const BRIDGE_LISTEN = '127.0.0.1:3128';
export const GATEWAY_LISTEN = '127.0.0.1:8088';

/** What a wrapped program's SDKs read: the gateway on loopback, and keys that are only placeholders. */
function sdkEnv(): Record<string, string> {
  const base = `http://${GATEWAY_LISTEN}`;
  return {
    OPENAI_BASE_URL: `${base}/v1`,
    ANTHROPIC_BASE_URL: base,
    OPENAI_API_KEY: 'octant-placeholder',
    ANTHROPIC_API_KEY: 'octant-placeholder',
    // The egress proxy must not be used to reach the gateway on loopback.
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
}

/** What programs inside read to find the egress bridge (curl, Node --use-env-proxy, Python...). */
function proxyEnv(): Record<string, string> {
  const url = `http://${BRIDGE_LISTEN}`;
  return { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url };
}

export interface StartRequest {
  /** The signed manifest as loaded (validated by the manifest port). */
  signed: unknown;
  command: string[];
  /** The spawning agent's AID, for a child. */
  parent?: string;
  /** `command` is the system's own program (e.g. the built-in loop), arguments after the program. */
  self?: boolean;
  /** Small files placed in the agent's read-only run directory (/run/octant) before launch, e.g. task.json. */
  files?: Record<string, string>;
  /**
   * An existing program that talks to LLMs through their SDKs: the gateway is
   * offered on loopback inside with OPENAI_BASE_URL / ANTHROPIC_BASE_URL
   * pointing at it and placeholder API keys in the environment.
   */
  wrapped?: boolean;
  /** The isolation tier the operator asked for (`octant run --isolation`): raises the manifest's, never lowers it. */
  isolation?: SandboxPolicy['isolation'];
  /** The operator accepted running this agent where its resource limits cannot be enforced (`octant run --accept-unenforced-limits`). */
  acceptUnenforcedLimits?: boolean;
}

/** The manifest an approval request names (the quorum's proposal shows it to the voters). */
function manifestOf(agent: LiveAgent, action: string): NonNullable<ApprovalRequest['manifest']> {
  if (agent.manifest === undefined) return { name: agent.record.name };
  return { name: agent.manifest.name, hash: agent.manifest.hash, rule: manifestRuleFor(agent.manifest.quorum, action) };
}

/** One agent the manager holds resources for. */
export interface LiveAgent {
  record: AgentRecord;
  manifest?: ValidatedManifest;
  policy?: SandboxPolicy;
  /** The host uid/gid it runs as, from isolation until it is archived. */
  user?: AgentUser;
  cgroup?: CgroupPort;
  proxy?: ProxyPort;
  gateway?: OpenGateway;
  sandbox?: RunningSandbox;
  /** For a wrapped program: how its direct routes are gated (wrapped-governance.ts). */
  governance?: WrappedGovernance;
  /** Start-time extras: whether the command is the system's own program, run-dir files. */
  start?: Pick<StartRequest, 'self' | 'files' | 'wrapped'>;
  exit?: ExitStatus;
  cancelTimer?: () => void;
  terminating: boolean;
  /** Serialises operations on this agent. */
  queue: Promise<unknown>;
  ended: Promise<AgentRecord>;
  end(record: AgentRecord): void;
}

export class LifecycleManager {
  private readonly deps: LifecycleDeps;
  private readonly live = new Map<string, LiveAgent>();
  private readonly scheduler;
  private readonly newAid;
  private readonly log;

  constructor(deps: LifecycleDeps) {
    this.deps = deps;
    this.scheduler = deps.scheduler ?? realScheduler;
    this.newAid = deps.newAid ?? createAidGenerator(() => this.scheduler.now());
    this.log = deps.log ?? silentLogger;
  }

  /** Validate, reserve, isolate and run one agent; resolves once it is running. */
  async start(request: StartRequest): Promise<AgentRecord> {
    const parent = request.parent === undefined ? undefined : this.liveAgent(request.parent);
    const aid = this.newAid();
    const now = new Date(this.scheduler.now()).toISOString();
    const record: AgentRecord = {
      aid, name: '', state: 'provisioned', manifestHash: '', parent: parent?.record.aid ?? null,
      lineage: parent ? [...parent.record.lineage, parent.record.aid] : [], operator: parent?.record.operator ?? '',
      depth: parent ? parent.record.depth + 1 : 0, command: request.command, childrenPolicy: 'terminate', graceSeconds: 0,
      retain: [], ttlSeconds: null, createdAt: now, updatedAt: now, deadline: null, pid: null, exit: null, reason: null,
      retained: [], history: [],
    };
    // Identity uniqueness: the agent's directory must not exist yet.
    const dir = agentDir(this.deps.agentsDir, aid);
    mkdirSync(this.deps.agentsDir, { recursive: true, mode: 0o700 });
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      throw new OctantError('E_LIFECYCLE_AID_TAKEN', `${dir}: an agent with id ${aid} already exists`, { cause: error });
    }
    let resolveEnd!: (r: AgentRecord) => void;
    const agent: LiveAgent = { record, terminating: false, queue: Promise.resolve(), ended: new Promise((r) => { resolveEnd = r; }), end: (r) => resolveEnd(r), start: { self: request.self, files: request.files, wrapped: request.wrapped } };
    await this.append(agent, 'provision', 'provisioned', { command: request.command });
    record.history.push({ state: 'provisioned', time: now });
    writeRecord(this.deps.agentsDir, record);

    let manifest: ValidatedManifest;
    try {
      manifest = await this.deps.manifests.validate(request.signed, parent?.manifest, { isolation: request.isolation });
      record.limits = this.limitsFor(request, parent);
      checkRetainPaths(manifest.retain);
      if (parent) checkSpawn(this.spawnNode(parent), this.spawnNodes());
    } catch (error) {
      await this.reject(agent, error);
      throw error;
    }
    // Reserve: from here the agent counts against its ancestors' budgets.
    // (checkSpawn and this set run in one synchronous stretch: no race.)
    this.live.set(aid, agent);
    agent.manifest = manifest;
    Object.assign(record, {
      name: manifest.name, manifestHash: manifest.hash, operator: parent ? record.operator : manifest.signer,
      childrenPolicy: manifest.children.policy, graceSeconds: manifest.children.graceSeconds, retain: manifest.retain, ttlSeconds: manifest.ttlSeconds,
    });
    await this.transition(agent, 'validate', undefined, { manifest: manifest.hash, signer: manifest.signer, isolation: manifest.isolation, limits: record.limits, ...(manifest.narrowed?.length ? { narrowed: manifest.narrowed } : {}) });
    try {
      await this.isolate(agent);
      await this.run(agent);
    } catch (error) {
      this.log.error('agent failed to start', { aid, error: messageOf(error) });
      // Tear down what was built; the start error is the one the caller needs.
      await this.terminate(aid, `failed to start: ${messageOf(error)}`).catch((cleanup: unknown) => this.log.error('cleanup after a failed start failed', { aid, error: messageOf(cleanup) }));
      throw error;
    }
    return { ...record };
  }

  /**
   * Resource limits are enforced, or the operator accepted that they are
   * not (this run's flag, the system's config, or a parent that was accepted
   * so); otherwise the agent is refused here, before anything is built.
   */
  private limitsFor(request: StartRequest, parent: LiveAgent | undefined): AgentLimits {
    const limits = this.deps.isolation.limits();
    if (limits.enforced) return { enforced: true, detail: limits.detail };
    const acceptedBy = request.acceptUnenforcedLimits === true ? 'octant run --accept-unenforced-limits'
      : this.deps.acceptUnenforcedLimits === true ? 'services.agents.acceptUnenforcedLimits'
      : parent?.record.limits?.enforced === false ? 'its parent'
      : undefined;
    if (acceptedBy === undefined) throw limitsUnenforced(limits.reason, limits.hint);
    return { enforced: false, reason: limits.reason, acceptedBy };
  }

  /** Freeze the agent's processes (cgroup freezer). */
  suspend(aid: string): Promise<AgentRecord> {
    return this.serial(aid, async (agent) => {
      nextState(agent.record.state, 'suspend', aid);
      await this.append(agent, 'suspend', 'suspended');
      await agent.cgroup!.freeze();
      this.settle(agent, 'suspended');
      return { ...agent.record };
    });
  }

  resume(aid: string): Promise<AgentRecord> {
    return this.serial(aid, async (agent) => {
      nextState(agent.record.state, 'resume', aid);
      await this.append(agent, 'resume', 'running');
      await agent.cgroup!.thaw();
      this.settle(agent, 'running');
      return { ...agent.record };
    });
  }

  /** Run the termination sequence and archive; resolves with the archived record. */
  terminate(aid: string, reason: string): Promise<AgentRecord> {
    const agent = this.live.get(aid);
    if (agent === undefined) {
      nextState(readRecord(this.deps.agentsDir, aid).state, 'terminate', aid); // throws for ended agents
      throw new OctantError('E_AGENT_UNKNOWN', `${aid}: not managed by this system`);
    }
    if (agent.terminating) return agent.ended;
    agent.terminating = true;
    agent.cancelTimer?.();
    return this.serial(aid, () => terminationSequence(this.terminationHooks(), agent, reason));
  }

  /** Resolves when the agent is archived. */
  waitForEnd(aid: string): Promise<AgentRecord> {
    const agent = this.live.get(aid);
    return agent ? agent.ended : Promise.resolve(readRecord(this.deps.agentsDir, aid));
  }

  get(aid: string): AgentRecord {
    const agent = this.live.get(aid);
    return agent ? { ...agent.record } : readRecord(this.deps.agentsDir, aid);
  }

  list(): AgentRecord[] {
    return listRecords(this.deps.agentsDir).map((r) => this.live.get(r.aid)?.record ?? r);
  }

  /** Is one of the two the other's parent? (who may message whom) */
  related(a: string, b: string): boolean {
    const parentOf = (aid: string) => this.live.get(aid)?.record.parent;
    return a !== b && (parentOf(a) === b || parentOf(b) === a);
  }

  /** Validated manifests of the agents holding resources now (for capacity and name checks). */
  liveManifests(): ValidatedManifest[] {
    return [...this.live.values()].flatMap((a) => (a.manifest ? [a.manifest] : []));
  }

  /**
   * After a crash: every record the previous run left neither archived nor
   * rejected is ended now. Its leftover processes are killed and its cgroup
   * and run directory removed, its tokens revoked, its partition gets the
   * terminated transition and a seal naming the crash, and its record is
   * archived, so nothing runs, holds resources or waits forever. (A survivor
   * is killed rather than adopted: its gateway, proxy and token died with the
   * old process, so it could not act through the mediated path anyway.)
   * One that never got past validation is rejected instead.
   */
  async reconcile(reason = 'daemon crashed: the previous run ended without terminating it'): Promise<AgentRecord[]> {
    const stale = listRecords(this.deps.agentsDir).filter((r) => !this.live.has(r.aid) && r.state !== 'archived' && r.state !== 'rejected');
    const ended: AgentRecord[] = [];
    for (const record of stale) {
      let resolveEnd!: (r: AgentRecord) => void;
      const agent: LiveAgent = { record, terminating: false, queue: Promise.resolve(), ended: new Promise((r) => { resolveEnd = r; }), end: (r) => resolveEnd(r) };
      if (record.state === 'provisioned') {
        await this.reject(agent, new OctantError('E_LIFECYCLE_CRASHED', reason));
        ended.push({ ...agent.record });
        continue;
      }
      agent.cgroup = this.deps.isolation.leftoverCgroup(record.aid);
      this.live.set(record.aid, agent);
    }
    const reconciled = [...this.live.values()].filter((a) => stale.some((r) => r.aid === a.record.aid));
    // Roots first, so children are ended by their parent's policy, then any left.
    for (const agent of reconciled.filter((a) => !a.record.lineage.some((p) => this.live.has(p)))) ended.push(await this.terminate(agent.record.aid, reason).catch(() => agent.ended));
    for (const agent of reconciled.filter((a) => this.live.has(a.record.aid))) ended.push(await this.terminate(agent.record.aid, reason).catch(() => agent.ended));
    return ended;
  }

  /** Terminate every live agent (system shutdown). */
  async close(reason = 'system shutdown'): Promise<void> {
    const roots = [...this.live.values()].filter((a) => !a.record.lineage.some((p) => this.live.has(p)));
    await Promise.all(roots.map((a) => this.terminate(a.record.aid, reason)));
    await Promise.all([...this.live.values()].map((a) => this.terminate(a.record.aid, reason)));
  }

  // --- steps -------------------------------------------------------------

  private async isolate(agent: LiveAgent): Promise<void> {
    const { aid } = agent.record;
    await this.append(agent, 'isolate', 'isolated');
    // The agent's own unprivileged host identity, held until it is archived.
    const user = this.deps.users.acquire(aid);
    agent.user = user;
    let policy = this.deps.manifests.compile(agent.manifest!, aid, user);
    if (agent.start?.wrapped) {
      // What a wrapped program could do directly is gated or taken away here.
      agent.governance = governWrapped(policy, agent.manifest!.critical, agent.record.command);
      policy = agent.governance.policy;
    }
    agent.policy = policy;
    const { scratch, run } = createSandboxArea(this.deps.sandboxDir, aid, user);
    agent.cgroup = await this.deps.isolation.createCgroup(aid, policy.limits);
    // No destinations, no proxy: the namespace's loopback is all there is.
    if (policy.network.length > 0) {
      const gate = agent.governance?.gateConnections ? this.connectionGate(agent) : undefined;
      agent.proxy = await this.deps.isolation.startProxy(policy, agent.record.lineage, join(run, 'egress.sock'), gate);
      giveToAgent(join(run, 'egress.sock'), user, 0o600);
    }
    const ttl = policy.ttlSeconds ?? 365 * 24 * 3600;
    // Grants to 'manifest:<name>' apply to every agent of that manifest.
    const token = await this.deps.vault.issueToken(aid, policy.credentials, { ttlSeconds: ttl, manifest: agent.manifest!.name });
    // The token reaches the agent as a file in its private run directory,
    // never through the environment (no secrets in env vars).
    writeAgentFile(join(run, 'token'), token, user);
    for (const [name, text] of Object.entries(agent.start?.files ?? {})) {
      if (!/^[a-z][a-z0-9._-]{0,63}$/.test(name) || name === 'token') throw new OctantError('E_LIFECYCLE_FILE', `run-directory file name ${JSON.stringify(name)} is not allowed`);
      writeAgentFile(join(run, name), text, user);
    }
    // The gateway: the agent's one way to act on the system (mediated tools, the LLM router).
    if (this.deps.gateway) {
      agent.gateway = await this.deps.gateway.open({
        aid, lineage: agent.record.lineage, manifest: agent.manifest!, policy, token,
        scratch, dir: agentDir(this.deps.agentsDir, aid), egressSocket: agent.proxy ? join(run, 'egress.sock') : undefined, cgroup: agent.cgroup,
      }, join(run, 'gateway.sock'));
      giveToAgent(join(run, 'gateway.sock'), user, 0o600);
    }
    this.settle(agent, 'isolated');
  }

  /** The approval gate, or a refusal when this system has none (fail closed). */
  private approvalGate(agent: LiveAgent, what: string): NonNullable<LifecycleDeps['approve']> {
    const approve = this.deps.approve;
    if (approve === undefined) throw new OctantError('E_GOVERNANCE_NO_GATE', `${agent.record.aid}: governance.critical makes ${what} critical, and this system has no approval gate`, { hint: 'run the agent in a booted system (octant up)' });
    return approve;
  }

  /** Each egress connection of a wrapped program waits for an operator's decision. */
  private connectionGate(agent: LiveAgent): (c: { mode: string; target: string; address: string }) => Promise<boolean> {
    const approve = this.approvalGate(agent, 'net.request');
    return async (connection) => {
      const outcome = await approve({ agent: agent.record.aid, lineage: agent.record.lineage, action: 'net.request', target: connection.target, reason: 'governance.critical lists net.request', evidence: { ...connection }, manifest: manifestOf(agent, 'net.request') });
      return outcome.approved;
    };
  }

  /** A wrapped program whose manifest makes exec critical starts only once approved. */
  private async approveLaunch(agent: LiveAgent): Promise<void> {
    const approve = this.approvalGate(agent, 'exec');
    const { command } = agent.record;
    const outcome = await approve({ agent: agent.record.aid, lineage: agent.record.lineage, action: 'exec', target: command.join(' ').slice(0, 1024), reason: 'governance.critical lists exec', evidence: { command, executables: agent.policy!.executables }, manifest: manifestOf(agent, 'exec') });
    if (!outcome.approved) throw new OctantError('E_APPROVAL_DENIED', `exec ${command[0]}: not approved (${outcome.reason})`, { exit: EXIT.denied });
  }

  private async run(agent: LiveAgent): Promise<void> {
    const { aid } = agent.record;
    if (agent.governance?.gateLaunch) await this.approveLaunch(agent);
    // Recorded with the host identity it runs as (audit: whose files it can touch).
    await this.append(agent, 'start', 'running', { uid: agent.user!.uid, gid: agent.user!.gid, limits: agent.record.limits?.enforced === false ? 'unenforced' : 'enforced' });
    const dir = agentDir(this.deps.agentsDir, aid);
    const stdout = openSync(join(dir, 'stdout.log'), 'a', 0o600);
    const stderr = openSync(join(dir, 'stderr.log'), 'a', 0o600);
    try {
      const relay = agent.start?.wrapped && agent.gateway !== undefined;
      // A wrapped program reaches the gateway relay over loopback TCP: the
      // namespace has only loopback, so AF_INET grants nothing beyond it.
      const policy = relay ? { ...agent.policy!, inet: true } : agent.policy!;
      agent.sandbox = await this.deps.isolation.launch(policy, {
        command: agent.record.command,
        self: agent.start?.self,
        ...(relay ? { gatewayRelay: { socket: `${SANDBOX_RUN}/gateway.sock`, listen: GATEWAY_LISTEN, tokenFile: `${SANDBOX_RUN}/token` } } : {}),
        cgroup: agent.cgroup!,
        binds: [
          { source: sandboxArea(this.deps.sandboxDir, aid).scratch, target: SANDBOX_SCRATCH, mode: agent.governance?.scratchMode ?? 'rw' },
          { source: sandboxArea(this.deps.sandboxDir, aid).run, target: SANDBOX_RUN, mode: 'ro' },
        ],
        env: {
          OCTANT_AID: aid,
          OCTANT_TOKEN_FILE: `${SANDBOX_RUN}/token`,
          ...(agent.gateway ? { OCTANT_GATEWAY: `${SANDBOX_RUN}/gateway.sock` } : {}),
          ...(agent.proxy ? proxyEnv() : {}),
          ...(relay ? sdkEnv() : {}),
        },
        ...(agent.proxy ? { egress: { socket: `${SANDBOX_RUN}/egress.sock`, listen: BRIDGE_LISTEN } } : {}),
        cwd: SANDBOX_SCRATCH,
        stdout,
        stderr,
        acceptUnenforcedLimits: agent.record.limits?.enforced === false,
      });
    } finally {
      closeSync(stdout);
      closeSync(stderr);
    }
    agent.record.pid = agent.sandbox.pid;
    const ttl = agent.record.ttlSeconds;
    if (ttl !== null) this.armDeadline(agent, ttl * 1000, 'ttl expired');
    this.settle(agent, 'running');
    agent.sandbox.exited.then((exit) => {
      agent.exit = exit;
      if (agent.terminating) return;
      const why = exit.signal ? `exited on signal ${exit.signal}` : `exited with code ${exit.code}`;
      this.terminate(aid, why).catch((error: unknown) => this.log.error('termination failed', { aid, error: messageOf(error) }));
    }, (error: unknown) => this.log.error('sandbox wait failed', { aid, error: messageOf(error) }));
  }

  /** Terminate `agent` after `ms` (TTL, or a parent's wind-down grace); keeps the earlier deadline. */
  armDeadline(agent: LiveAgent, ms: number, reason: string): void {
    const at = this.scheduler.now() + ms;
    if (agent.record.deadline !== null && Date.parse(agent.record.deadline) <= at) return;
    agent.cancelTimer?.();
    agent.record.deadline = new Date(at).toISOString();
    writeRecord(this.deps.agentsDir, agent.record);
    agent.cancelTimer = this.scheduler.after(ms, () => {
      this.terminate(agent.record.aid, reason).catch((error: unknown) => this.log.error('termination failed', { aid: agent.record.aid, error: messageOf(error) }));
    });
  }

  private async reject(agent: LiveAgent, error: unknown): Promise<void> {
    const code = error instanceof OctantError ? error.code : 'E_UNKNOWN';
    await this.transition(agent, 'reject', messageOf(error), { code });
    await this.deps.ledger.seal(agent.record.aid, { state: 'rejected', code });
    agent.end({ ...agent.record });
  }

  // --- plumbing ----------------------------------------------------------


  private liveAgent(aid: string): LiveAgent {
    const agent = this.live.get(aid);
    if (agent === undefined) {
      const record = readRecord(this.deps.agentsDir, aid);
      throw new OctantError('E_AGENT_NOT_LIVE', `${aid}: the agent is ${record.state}, not live in this system`);
    }
    return agent;
  }

  private spawnNode(agent: LiveAgent): SpawnNode {
    const r = agent.record;
    return { aid: r.aid, state: r.state, depth: r.depth, lineage: r.lineage, spawn: agent.manifest?.spawn ?? { allowed: false, maxDepth: 0, maxDescendants: 0 } };
  }

  private spawnNodes(): Map<string, SpawnNode> {
    return new Map([...this.live.entries()].map(([aid, a]) => [aid, this.spawnNode(a)]));
  }

  private serial<T>(aid: string, work: (agent: LiveAgent) => Promise<T>): Promise<T> {
    const agent = this.liveAgent(aid);
    const result = agent.queue.then(() => work(agent));
    agent.queue = result.catch(() => undefined);
    return result;
  }

  /** Ledger entry for a transition; throws E_LIFECYCLE_TRANSITION first if it is illegal. */
  private async append(agent: LiveAgent, event: AgentEvent | 'provision', to: AgentState, detail: Record<string, unknown> = {}): Promise<void> {
    const r = agent.record;
    if (event !== 'provision') nextState(r.state, event, r.aid);
    await this.deps.ledger.append({
      agent: r.aid, lineage: r.lineage, kind: 'lifecycle', action: 'transition', target: r.aid, decision: 'ok',
      detail: { event, from: event === 'provision' ? null : r.state, to, parent: r.parent, operator: r.operator || undefined, ...detail },
    });
  }

  /** Record that a transition took effect. */
  private settle(agent: LiveAgent, to: AgentState, reason?: string): void {
    const r = agent.record;
    r.state = to;
    r.updatedAt = new Date(this.scheduler.now()).toISOString();
    r.history.push(reason === undefined ? { state: to, time: r.updatedAt } : { state: to, time: r.updatedAt, reason });
    writeRecord(this.deps.agentsDir, r);
  }

  private async transition(agent: LiveAgent, event: AgentEvent, reason?: string, detail: Record<string, unknown> = {}): Promise<void> {
    const to = nextState(agent.record.state, event, agent.record.aid);
    await this.append(agent, event, to, reason === undefined ? detail : { reason, ...detail });
    if (reason !== undefined) agent.record.reason = reason;
    this.settle(agent, to, reason);
  }

  private terminationHooks(): TerminationHooks {
    return {
      deps: this.deps,
      live: this.live,
      append: (a, event, to, detail) => this.append(a, event, to, detail),
      settle: (a, to, reason) => this.settle(a, to, reason),
      terminate: (aid, reason) => this.terminate(aid, reason),
      armDeadline: (a, ms, reason) => this.armDeadline(a, ms, reason),
    };
  }
}
