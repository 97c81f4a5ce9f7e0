// One agent cannot hurt the others or the daemon, through the shipped
// executable: a real sandboxed agent opens far more connections to its
// gateway than its cap and keeps them open, while a second agent runs its
// task to the end and `octant status` answers. The hostile agent's extra
// connections are refused and the refusal is in the ledger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';

const PYTHON = '/usr/bin/python3';
const skip = agentSkip || (existsSync(PYTHON) ? false : `${PYTHON} is missing (install python3)`);
if (skip) console.log(`# skipping the hostile agent test: ${skip}`);

function octant(root: string, ...args: string[]): { code: number | null; out: string; ms: number } {
  const started = performance.now();
  const r = spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 26 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, ms: performance.now() - started };
}

// Opens 300 connections to its gateway (the cap is 32) and holds them.
const HOSTILE = `
import os, socket, time
held, refused = [], 0
for i in range(300):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(os.environ['OCTANT_GATEWAY'])
        held.append(s)
    except OSError:
        refused += 1
print('opened', len(held), 'refused', refused, flush=True)
time.sleep(60)
`;

test('a hostile agent holding hundreds of gateway connections does not stop another agent or the daemon', { skip, timeout: 180_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-hostile-'));
  const work = mkdtempSync(join(tmpdir(), 'octant-hostile-work-'));
  chmodSync(work, 0o755);
  let system: ChildProcess | undefined;
  try {
    assert.equal(octant(root, 'keys', 'generate', '--name', 'ops').code, 0);
    const key = join(root, 'etc', 'keys', 'private', 'ops.key');
    writeFileSync(join(work, 'hostile.py'), HOSTILE, { mode: 0o644 });
    const common = `syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
governance: { critical: [] }
resources: { cpu: 0.5, memory: 256MiB, ioBandwidth: 10MiB/s, pids: 64, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
`;
    writeFileSync(join(work, 'hostile.yaml'), `version: 1\nidentity: { name: hostile, operator: ops@example.com }\nfilesystem: { read: [${work}], write: [] }\nprocesses: { exec: [${PYTHON}] }\n${common}`);
    writeFileSync(join(work, 'worker.yaml'), `version: 1\nidentity: { name: worker, operator: ops@example.com }\n${common}`);
    for (const name of ['hostile', 'worker']) {
      const signed = octant(root, 'manifest', 'sign', join(work, `${name}.yaml`), '--key', key, '--out', join(work, `${name}.json`));
      assert.equal(signed.code, 0, signed.out);
    }
    writeFileSync(join(work, 'plan.json'), JSON.stringify([{ tool: 'fs.write', args: { path: '/scratch/done.txt', content: 'done' } }, { tool: 'fs.read', args: { path: '/scratch/done.txt' } }]));

    system = spawn(OCTANT, ['--root', root, 'boot'], { stdio: 'ignore' });
    for (let i = 0; i < 200 && octant(root, 'status').code !== 0; i++) await new Promise((r) => setTimeout(r, 100));

    const hostile = octant(root, 'run', join(work, 'hostile.json'), '--detach', '--', PYTHON, join(work, 'hostile.py'));
    assert.equal(hostile.code, 0, hostile.out);
    const aid = hostile.out.trim().split('\n').at(-1)!;
    // Wait until it has made its attempt.
    const log = join(root, 'lib', 'agents', aid, 'stdout.log');
    for (let i = 0; i < 200 && !(existsSync(log) && readFileSync(log, 'utf8').includes('opened')); i++) await new Promise((r) => setTimeout(r, 100));
    const [, opened, refused] = /opened (\d+) refused (\d+)/.exec(readFileSync(log, 'utf8')) ?? [];
    assert.ok(Number(opened) + Number(refused) === 300, readFileSync(log, 'utf8'));

    // Meanwhile: the other agent does its whole task, and the daemon answers.
    const worker = octant(root, 'run', join(work, 'worker.json'), '--script', join(work, 'plan.json'));
    assert.equal(worker.code, 0, worker.out);
    assert.match(worker.out, /2 call\(s\), 0 refused/);
    const status = octant(root, 'status');
    assert.equal(status.code, 0, status.out);
    assert.ok(status.ms < 10_000, `status took ${status.ms} ms`);

    // The hostile agent got at most its cap, and the refusals are recorded.
    const limits = octant(root, 'ledger', 'show', '--agent', aid, '--kind', 'limit', '--json');
    assert.match(limits.out, /"action":"gateway\.connections"/, limits.out);
    assert.equal(octant(root, 'agent', 'stop', aid).code, 0);
  } finally {
    system?.kill('SIGTERM');
    if (system && system.exitCode === null) await new Promise((r) => system!.once('exit', r));
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});
