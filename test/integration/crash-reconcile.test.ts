// Nothing is forgotten after a crash, through the shipped executable: a
// system running agents is killed with SIGKILL; the next boot ends every
// agent the dead run left live (terminated, sealed as "daemon crashed",
// archived), removes their cgroups and run directories, and the ledger
// verifies. `agent stop` on such an agent says it is archived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';

const skip = agentSkip;
if (skip) console.log(`# skipping crash reconciliation: ${skip}`);

function octant(root: string, ...args: string[]): { code: number; out: string } {
  const r = spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

async function boot(root: string): Promise<ChildProcess> {
  const child = spawn(OCTANT, ['--root', root, 'boot'], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    if (octant(root, 'status').code === 0) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the system did not come up');
}

/** Every cgroup directory named after `aid`, in any hierarchy. */
function cgroupsOf(aid: string): string[] {
  const found: string[] = [];
  for (const hierarchy of readdirSync('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', hierarchy, 'octant', aid);
    if (existsSync(dir)) found.push(dir);
  }
  if (existsSync(join('/sys/fs/cgroup', 'octant', aid))) found.push(join('/sys/fs/cgroup', 'octant', aid));
  return found;
}

/** An operator key and three signed manifests (sleeper-0..2) allowed to run /usr/bin/sleep. */
function prepare(root: string): void {
  assert.equal(octant(root, 'keys', 'generate', '--name', 'ops').code, 0);
  const key = join(root, 'etc', 'keys', 'private', 'ops.key');
  // Three agents: names of live agents are unique, so three manifests.
  for (let i = 0; i < 3; i++) {
    writeFileSync(join(root, `sleeper-${i}.yaml`), `version: 1
identity: { name: sleeper-${i}, operator: ops@example.com }
filesystem: { read: [], write: [] }
network: { destinations: [] }
processes: { exec: [/usr/bin/sleep] }
syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
credentials: []
spawning: { allowed: false }
governance: { critical: [] }
resources: { cpu: 0.5, memory: 128MiB, ioBandwidth: 10MiB/s, pids: 32, networkThroughput: 1MiB/s }
skills: []
lifetime: { ttl: 10m }
`);
    const signed = octant(root, 'manifest', 'sign', join(root, `sleeper-${i}.yaml`), '--key', key, '--out', join(root, `sleeper-${i}.signed.json`));
    assert.equal(signed.code, 0, signed.out);
  }
}

/** The AID of the first record in `state`, once there is one. */
async function recordIn(root: string, state: string): Promise<string> {
  const dir = join(root, 'lib', 'agents');
  for (let i = 0; i < 300; i++) {
    for (const aid of existsSync(dir) ? readdirSync(dir) : []) {
      const file = join(dir, aid, 'record.json');
      if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { state: string }).state === state) return aid;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no agent became ${state}`);
}

function recordOf(root: string, aid: string): { state: string; reason: string } {
  return JSON.parse(readFileSync(join(root, 'lib', 'agents', aid, 'record.json'), 'utf8')) as { state: string; reason: string };
}

test('after kill -9 of a system running agents, the next boot reconciles every one of them', { skip, timeout: 180_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-crash-'));
  let system: ChildProcess | undefined;
  try {
    prepare(root);
    system = await boot(root);
    const aids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = octant(root, 'run', join(root, `sleeper-${i}.signed.json`), '--detach', '--', '/usr/bin/sleep', '300');
      assert.equal(started.code, 0, started.out);
      aids.push(started.out.trim().split('\n').at(-1)!);
    }
    for (const aid of aids) assert.ok(cgroupsOf(aid).length > 0, `${aid} has its cgroup while running`);

    // The crash.
    system.kill('SIGKILL');
    await new Promise((resolve) => system!.once('exit', resolve));
    const records = JSON.parse(readFileSync(join(root, 'lib', 'agents', aids[0], 'record.json'), 'utf8').toString()) as { state: string };
    assert.equal(records.state, 'running', 'the dead run left the record live');

    system = await boot(root);
    const listed = octant(root, 'agent', 'list', '--json');
    assert.equal(listed.code, 0, listed.out);
    const states = new Map((JSON.parse(listed.out) as { aid: string; state: string; reason: string }[]).map((r) => [r.aid, r]));
    for (const aid of aids) {
      assert.equal(states.get(aid)?.state, 'archived', `${aid}: ${JSON.stringify(states.get(aid))}`);
      assert.match(states.get(aid)!.reason, /daemon crashed/);
      assert.deepEqual(cgroupsOf(aid), [], `${aid}: cgroups removed`);
      const stop = octant(root, 'agent', 'stop', aid);
      assert.notEqual(stop.code, 0);
      assert.match(stop.out, /archived/);
    }
    const story = octant(root, 'ledger', 'show', '--agent', aids[0]);
    assert.match(story.out, /daemon crashed/);
    const verify = octant(root, 'ledger', 'verify');
    assert.equal(verify.code, 0, verify.out);
    const status = octant(root, 'status');
    assert.match(status.out, /3 agent\(s\) a crashed run left were terminated and archived/);
  } finally {
    system?.kill('SIGTERM');
    if (system && system.exitCode === null) await new Promise((resolve) => system!.once('exit', resolve));
    rmSync(root, { recursive: true, force: true });
  }
});

for (const external of [false, true]) {
  test(`Ctrl-C on a foreground octant run stops and archives its agent (${external ? 'a system already running' : 'the system it booted'})`, { skip, timeout: 120_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'octant-interrupt-'));
    let system: ChildProcess | undefined;
    try {
      prepare(root);
      if (external) system = await boot(root);
      const run = spawn(OCTANT, ['--root', root, 'run', join(root, 'sleeper-0.signed.json'), '--', '/usr/bin/sleep', '300'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      run.stdout!.on('data', (c) => { out += c; });
      run.stderr!.on('data', (c) => { out += c; });
      const aid = await recordIn(root, 'running');
      run.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => run.once('exit', (c) => resolve(c)));
      assert.equal(code, 130, out);
      assert.match(out, new RegExp(`interrupted: stopping agent ${aid}`));
      const record = recordOf(root, aid);
      assert.equal(record.state, 'archived');
      assert.match(record.reason, /operator interrupt/);
      assert.deepEqual(cgroupsOf(aid), []);
    } finally {
      system?.kill('SIGTERM');
      if (system && system.exitCode === null) await new Promise((resolve) => system!.once('exit', resolve));
      rmSync(root, { recursive: true, force: true });
    }
  });
}
