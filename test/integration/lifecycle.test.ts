// The lifecycle manager with the real kernel pieces: bubblewrap, seccomp,
// cgroups (freezer for suspend), the egress proxy and the in-sandbox bridge.
// An agent fetches from an allowed local server through HTTP_PROXY, is
// suspended, resumed and stopped; afterwards no process of it is left and
// its cgroup is gone. Ledger and vault are small in-memory stand-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLedger } from '../../src/services/ledger/testing/memory-ledger.ts';
import type { SandboxPolicy } from '../../src/kernel/sandbox-policy.ts';
import { SYSCALLS_X86_64 } from '../../src/kernel/seccomp/syscall-table.ts';
import { detectCgroups } from '../../src/kernel/cgroups/index.ts';
import { LifecycleManager } from '../../src/agent/lifecycle/manager.ts';
import { kernelIsolation } from '../../src/agent/lifecycle/kernel-isolation.ts';
import type { ValidatedManifest } from '../../src/agent/lifecycle/ports.ts';
import { TEST_AGENT, readableForAgent } from '../support/agent-user.ts';

const hasBwrap = spawnSync('sh', ['-c', 'command -v bwrap']).stdout.toString().trim() !== '';
const skip = process.getuid?.() !== 0 ? 'needs root' : !hasBwrap ? 'bwrap is not installed' : false;
if (skip) console.log(`# skipping lifecycle integration: ${skip}`);

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function cgroupDir(aid: string): string | undefined {
  const layout = detectCgroups();
  return layout.version === 2 ? join(layout.root, 'octant', aid) : layout.mounts.freezer && join(layout.mounts.freezer, 'octant', aid);
}

test('a real sandboxed agent: egress through the bridge, suspend, resume, stop leaves no process and no cgroup', { skip }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-lifecycle-it-'));
  const server = createServer((req, res) => res.end(`allowed ${req.url}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const ledger = memoryLedger();
  const events = ledger.entries;
  const manifest: ValidatedManifest = {
    effective: null, name: 'fetcher', hash: 'h', signer: 'op', spawn: { allowed: false, maxDepth: 0, maxDescendants: 0 },
    ttlSeconds: 600, children: { policy: 'terminate', graceSeconds: 0 }, retain: ['out.txt'], critical: [],
  };
  const manager = new LifecycleManager({
    agentsDir: join(root, 'agents'),
    sandboxDir: join(readableForAgent(root), 'sandboxes'),
    users: { acquire: () => TEST_AGENT, release: () => {} },
    ledger,
    vault: { issueToken: async () => 'token-value', revokeAgent: async () => 1 },
    manifests: {
      validate: async () => manifest,
      compile: (_m, aid, user): SandboxPolicy => ({
        id: aid, binds: [], executables: ['/bin/sh', '/usr/bin/sleep'], syscalls: Object.keys(SYSCALLS_X86_64), inet: true,
        limits: { pids: 64, memoryBytes: 512 * 1024 * 1024 }, network: [{ host: '127.0.0.1', ports: [port, port], protocol: 'http' }],
        credentials: [], ttlSeconds: 600, tmpBytes: 16 << 20, isolation: 'namespaces', user,
      }),
    },
    isolation: kernelIsolation({ audit: ledger.append }),
  });
  const fetchJs = `fetch('http://127.0.0.1:${port}/ok').then((r) => r.text()).then((t) => require('fs').writeFileSync('/scratch/out.txt', t), (e) => require('fs').writeFileSync('/scratch/out.txt', 'error ' + e))`;
  try {
    const agent = await manager.start({
      signed: {},
      command: ['/bin/sh', '-c', `${process.execPath} --use-env-proxy -e "${fetchJs}"; sleep 300 & sleep 300 & wait`],
    });
    const scratch = join(root, 'sandboxes', agent.aid, 'scratch');
    await until('the agent to fetch', () => existsSync(join(scratch, 'out.txt')) && readFileSync(join(scratch, 'out.txt'), 'utf8') !== '');
    assert.equal(readFileSync(join(scratch, 'out.txt'), 'utf8'), 'allowed /ok');
    assert.ok(events.some((e) => e.kind === 'net' && e.decision === 'allow' && e.target === `127.0.0.1:${port}`));

    const dir = cgroupDir(agent.aid)!;
    await until('both sleeps to start', () => readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim().split('\n').length >= 4);
    const pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim().split('\n').map(Number);

    await manager.suspend(agent.aid);
    if (existsSync(join(dir, 'freezer.state'))) assert.equal(readFileSync(join(dir, 'freezer.state'), 'utf8').trim(), 'FROZEN');
    await manager.resume(agent.aid);
    if (existsSync(join(dir, 'freezer.state'))) assert.equal(readFileSync(join(dir, 'freezer.state'), 'utf8').trim(), 'THAWED');

    const final = await manager.terminate(agent.aid, 'operator stop');
    assert.equal(final.state, 'archived');
    assert.equal(existsSync(dir), false, 'the cgroup is removed');
    for (const pid of pids) assert.equal(existsSync(`/proc/${pid}`), false, `process ${pid} is gone`);
    assert.equal(readFileSync(join(root, 'agents', agent.aid, 'retained', 'out.txt'), 'utf8'), 'allowed /ok');
    assert.equal(existsSync(scratch), false);
    assert.equal(existsSync(join(root, 'sandboxes', agent.aid)), false);
  } finally {
    await manager.close();
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  }
});
