// The production IsolationPort: the kernel layer's launcher (bubblewrap or
// gVisor, seccomp, cgroup) and egress proxy behind the lifecycle's seam.
//
// The launcher creates the agent's cgroup itself, in the same step that
// spawns the sandbox (so the first process is born inside it); the cgroup
// handle given to the manager at isolation is bound to it at launch.
// Inside, the agent's command runs beside `octant egress-bridge`, which
// offers the proxy's Unix socket as HTTP(S)_PROXY on loopback.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInfo } from '../../lib/build-info.ts';
import { OctantError } from '../../lib/errors.ts';
import type { BindMount, SandboxPolicy } from '../../kernel/sandbox-policy.ts';
import { launchSandbox, type LaunchOptions, type SandboxHandle } from '../../kernel/sandbox/launch.ts';
import { openCgroup } from '../../kernel/cgroups/index.ts';
import { hostCgroupPlacement } from '../../kernel/cgroups/placement.ts';
import { startEgressProxy, type NetAudit, type Resolver } from '../../kernel/net/proxy.ts';
import type { CgroupPort, IsolationPort, LaunchSpec, RunningSandbox } from './ports.ts';

/** How to run the octant executable inside a sandbox, and what to bind for it. */
export interface BridgeProgram {
  command: string[];
  binds: BindMount[];
}

/** This very program: the single executable, or node + the source tree. */
export function selfBridgeProgram(): BridgeProgram {
  if (buildInfo().sea) {
    return { command: [process.execPath], binds: [{ source: process.execPath, target: process.execPath, mode: 'ro' }] };
  }
  const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return {
    command: [process.execPath, '--disable-warning=ExperimentalWarning', resolve(src, 'main.ts')],
    binds: [
      { source: process.execPath, target: process.execPath, mode: 'ro' },
      { source: src, target: src, mode: 'ro' },
    ],
  };
}

export interface KernelIsolationOptions {
  /** Where proxy decisions are recorded (the ledger's append). */
  audit: NetAudit;
  bridge?: BridgeProgram;
  resolve?: Resolver;
  /** Launcher options passed through (tests: tool paths, cgroup layout). */
  launchOptions?: Omit<LaunchOptions, 'extraBinds' | 'env' | 'cwd' | 'stdio'>;
  launch?: typeof launchSandbox;
  /** The descriptors agents' connections share (gateway/limits.ts DescriptorBudget); each proxy connection takes two. */
  descriptors?: { take(): boolean; release(): void };
}

/** A cgroup handle that becomes real once the launcher has created the group. */
class BoundCgroup implements CgroupPort {
  handle: SandboxHandle | undefined;
  private readonly aid: string;
  constructor(aid: string) {
    this.aid = aid;
  }
  private get group(): SandboxHandle {
    if (this.handle === undefined) throw new OctantError('E_LIFECYCLE_CGROUP', `${this.aid}: the sandbox has not been launched`);
    return this.handle;
  }
  pids(): number[] {
    return this.handle?.cgroup.pids() ?? [];
  }
  freeze(): Promise<void> {
    return this.group.suspend();
  }
  thaw(): Promise<void> {
    return this.group.resume();
  }
  async kill(): Promise<void> {
    if (this.handle) await this.handle.kill();
  }
  async remove(): Promise<void> {
    // The launcher removes the group once the process tree is gone.
    if (this.handle) await this.handle.exited;
  }
}

export function kernelIsolation(options: KernelIsolationOptions): IsolationPort {
  const bridge = options.bridge ?? selfBridgeProgram();
  const launch = options.launch ?? launchSandbox;
  const cgroups = new Map<string, BoundCgroup>();
  return {
    async createCgroup(aid) {
      const group = new BoundCgroup(aid);
      cgroups.set(aid, group);
      return group;
    },
    leftoverCgroup(aid) {
      const group = openCgroup(aid, options.launchOptions?.cgroupLayout);
      if (group === undefined) return undefined;
      return {
        pids: () => group.pids(),
        freeze: () => group.freeze(),
        thaw: () => group.thaw(),
        kill: () => group.kill(),
        remove: async () => group.remove(),
      };
    },
    limits() {
      if (options.launchOptions?.cgroupLayout !== undefined) return { enforced: true, detail: `cgroup v${options.launchOptions.cgroupLayout.version} (given)` };
      const placement = hostCgroupPlacement();
      return placement.enforced ? { enforced: true, detail: placement.detail } : { enforced: false, reason: placement.reason, hint: placement.hint };
    },
    startProxy(policy, lineage, socketPath, approve) {
      return startEgressProxy({ policy, lineage, socketPath, audit: options.audit, resolve: options.resolve, approve, descriptors: options.descriptors });
    },
    async launch(policy: SandboxPolicy, spec: LaunchSpec): Promise<RunningSandbox> {
      const group = cgroups.get(policy.id);
      if (group === undefined || group !== spec.cgroup) throw new OctantError('E_LIFECYCLE_CGROUP', `${policy.id}: launch without its isolation step`);
      // With egress, the command runs beside the bridge; the bridge is the
      // system's own program, granted and bound read-only in addition to what
      // the manifest grants the agent.
      // A `self` command is the system's own program too (the built-in agent loop).
      const own = spec.self ? [...bridge.command, ...spec.command] : spec.command;
      const relay = spec.gatewayRelay;
      const bridged = spec.egress !== undefined || relay !== undefined;
      const command = bridged
        ? [
          ...bridge.command, 'egress-bridge',
          ...(spec.egress ? ['--socket', spec.egress.socket, '--listen', spec.egress.listen] : []),
          ...(relay ? ['--gateway-socket', relay.socket, '--gateway-listen', relay.listen, '--token-file', relay.tokenFile] : []),
          '--', ...own,
        ]
        : own;
      const needsSelf = bridged || spec.self === true;
      const withBridge: SandboxPolicy = needsSelf ? { ...policy, executables: [...policy.executables, bridge.command[0]] } : policy;
      const handle = launch(withBridge, command, {
        ...options.launchOptions,
        extraBinds: needsSelf ? [...bridge.binds, ...spec.binds] : spec.binds,
        env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...spec.env },
        cwd: spec.cwd,
        stdio: ['ignore', spec.stdout, spec.stderr],
        acceptUnenforcedLimits: spec.acceptUnenforcedLimits === true,
      });
      group.handle = handle;
      cgroups.delete(policy.id);
      return { pid: handle.pid, exited: handle.exited.then((e) => ({ code: e.code, signal: e.signal })) };
    },
  };
}
