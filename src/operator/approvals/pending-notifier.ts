// A foreground `octant run` must not sit silent while its agent waits for an
// operator: each new pending approval of the run's agent (or of its children)
// is printed once, with its id and the exact commands that decide it. The
// approvals live on disk (agent/approvals/store.ts), so the CLI reads them
// directly, whether the system runs in this process or another.

import type { Approval } from '../../agent/approvals/approval.ts';
import type { ApprovalStore } from '../../agent/approvals/store.ts';

export interface PendingNotifierOptions {
  store: ApprovalStore;
  /** Only approvals created at or after this time (ms) are the run's. */
  since: number;
  /** The run's agent once known; until then every new approval is shown. */
  agent: () => string | undefined;
  /** `--root DIR` to repeat in the printed commands, when the run was given one. */
  rootFlag?: string;
  write(line: string): void;
  pollMs?: number;
}

function belongs(approval: Approval, agent: string | undefined): boolean {
  return agent === undefined || approval.agent === agent || approval.lineage.includes(agent);
}

/** The lines shown for one pending approval. Agent-supplied text is quoted (escaped) so it cannot forge lines. */
export function pendingLines(approval: Approval, rootFlag?: string): string[] {
  const root = rootFlag === undefined ? '' : ` --root ${JSON.stringify(rootFlag)}`;
  return [
    `approval ${approval.id} pending: agent ${approval.agent} wants ${approval.action} ${JSON.stringify(approval.target)} (${approval.reason}); denied at ${approval.deadline} unless decided`,
    `  approve: octant${root} approvals approve ${approval.id} --key KEYFILE [--note TEXT]`,
    `  deny:    octant${root} approvals deny ${approval.id} --key KEYFILE`,
    `  details: octant${root} approvals show ${approval.id}`,
  ];
}

/** Starts watching; returns a function that stops it. */
export function notifyPendingApprovals(options: PendingNotifierOptions): () => void {
  const shown = new Set<string>();
  const check = (): void => {
    let pending: Approval[];
    try {
      pending = options.store.list().filter((a) => a.state === 'pending' && Date.parse(a.createdAt) >= options.since);
    } catch {
      return; // a file mid-rename: seen on the next poll
    }
    for (const approval of pending) {
      if (shown.has(approval.id) || !belongs(approval, options.agent())) continue;
      shown.add(approval.id);
      for (const line of pendingLines(approval, options.rootFlag)) options.write(line);
    }
  };
  const timer = setInterval(check, options.pollMs ?? 250);
  timer.unref();
  return () => clearInterval(timer);
}
