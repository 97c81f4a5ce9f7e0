// Governance for wrapped programs. A native agent performs every action
// through a gateway tool, where the mediator holds a critical call for
// approval. A wrapped program also acts directly, through what its sandbox
// grants: files mounted for it, connections through its egress proxy, the
// programs it may exec. For each action the manifest lists as critical, the
// direct route is either made to wait for a decision, or taken away so that
// only the gated gateway tool remains, or, where neither is possible, the
// start is refused with the reason (docs/agents.md, "Where each action is
// gated").
//
//   fs.read            no granted path is mounted: reads go through fs.read/fs.list
//   fs.write/fs.delete every granted path and the scratch directory are read-only
//   net.request        each egress connection waits at the proxy for a decision
//   exec               the wrapped program's own start waits for a decision, and
//                      it must be the only program processes.exec grants (its
//                      own later execs could not wait); otherwise refused
//   credential.use, spawn, message.send, skill.run
//                      only the gateway can perform them: gated there

import { existsSync, realpathSync } from 'node:fs';
import { EXIT, OctantError } from '../../lib/errors.ts';
import type { SandboxPolicy } from '../../kernel/sandbox-policy.ts';

export interface WrappedGovernance {
  /** The policy with the direct routes of critical file actions taken away. */
  policy: SandboxPolicy;
  /** The scratch directory's mode inside the sandbox. */
  scratchMode: 'ro' | 'rw';
  /** Each egress connection waits for an approval (net.request is critical). */
  gateConnections: boolean;
  /** The program's start waits for an approval (exec is critical). */
  gateLaunch: boolean;
}

function real(path: string): string {
  return existsSync(path) ? realpathSync(path) : path;
}

export function governWrapped(policy: SandboxPolicy, critical: readonly string[], command: readonly string[]): WrappedGovernance {
  const isCritical = (action: string): boolean => critical.includes('*') || critical.includes(action);

  if (isCritical('exec')) {
    const program = command[0] === undefined ? '' : real(command[0]);
    const others = policy.executables.filter((path) => real(path) !== program);
    if (others.length > 0) {
      throw new OctantError(
        'E_GOVERNANCE_WRAPPED_EXEC',
        `governance.critical lists exec, but a wrapped program runs the programs of processes.exec itself (${others.join(', ')}), where no single exec can wait for an approval`,
        { exit: EXIT.denied, hint: 'grant only the wrapped program in processes.exec (its start is then approved), remove exec from governance.critical, or run the agent with the built-in loop (--task or --script)' },
      );
    }
  }

  let binds = policy.binds;
  const readGated = isCritical('fs.read');
  const writeGated = isCritical('fs.write') || isCritical('fs.delete');
  if (readGated) binds = [];
  else if (writeGated) binds = binds.map((bind) => ({ ...bind, mode: 'ro' as const }));

  return {
    policy: { ...policy, binds },
    scratchMode: writeGated ? 'ro' : 'rw',
    gateConnections: isCritical('net.request'),
    gateLaunch: isCritical('exec'),
  };
}
