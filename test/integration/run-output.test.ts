// `octant run` talks, through the shipped executable: a wrapped program's
// output is shown as it runs (escaped), and a loop that stops on an error
// says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';

const skip = agentSkip;
if (skip) console.log(`# skipping octant run output: ${skip}`);

test('octant run shows a wrapped program\'s output as it runs, escaped; a loop stopped by an error prints its cause', { skip, timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-run-output-'));
  try {
    const octant = (...args: string[]) => spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 90_000 });
    assert.equal(octant('keys', 'generate', '--name', 'ops').status, 0);
    writeFileSync(join(root, 'm.yaml'), `version: 1
identity: { name: talker, operator: ops@example.com }
processes: { exec: [/usr/bin/printf] }
syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
governance: { critical: [] }
resources: { cpu: 0.5, memory: 256MiB, ioBandwidth: 10MiB/s, pids: 64, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
`);
    assert.equal(octant('manifest', 'sign', join(root, 'm.yaml'), '--key', join(root, 'etc', 'keys', 'private', 'ops.key'), '--out', join(root, 'm.json')).status, 0);
    const wrapped = octant('run', join(root, 'm.json'), '--', '/usr/bin/printf', 'hello from the sandbox\\n\\033[2J\\n');
    assert.equal(wrapped.status, 0, wrapped.stderr);
    assert.match(wrapped.stdout, /^hello from the sandbox\n\\x1b\[2J\n/m);
    assert.ok(!wrapped.stdout.includes('\u001b'), 'no raw escape reaches the terminal');
    // No model is configured: the loop stops on the router's error and says so.
    const loop = octant('run', join(root, 'm.json'), '--task', 'say hi');
    assert.notEqual(loop.status, 0);
    assert.match(loop.stdout, /loop: error after/);
    assert.match(loop.stdout, /cause: .*E_ROUTER|cause: .*(no deployment|router)/i);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
