// The host identity test sandboxes run as. As root, agents never run as uid
// 0, so tests use an unprivileged uid/gid of their own (outside the default
// agents range, so a test never holds a uid a running system hands out);
// otherwise the test's own identity is the only one a sandbox can have.
import { chmodSync, chownSync } from 'node:fs';
import type { AgentUser } from '../../src/kernel/sandbox-policy.ts';

const root = process.geteuid?.() === 0;

export const TEST_AGENT: AgentUser = root ? { uid: 299_999, gid: 299_999 } : { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 };

/** A directory a test grants read-write: owned by the test agent. */
export function writableForAgent(dir: string, user: AgentUser = TEST_AGENT): string {
  chownSync(dir, user.uid, user.gid);
  return dir;
}

/** A directory the agent's uid must pass through or read (mkdtemp makes 0700 ones). */
export function readableForAgent(dir: string): string {
  chmodSync(dir, 0o755);
  return dir;
}
