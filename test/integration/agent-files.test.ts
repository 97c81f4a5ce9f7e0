// Through dist/octant with a real sandboxed agent: an unlimited lifetime runs
// only with `run --approval FILE` (refused without); what it retained is
// listed, printed escaped and copied, a link it left is refused, never
// followed; `agent logs -f` follows a running agent to its end; `ledger tail
// -f` prints entries as they are appended; `agent rm` removes the ended agent
// and the ledger says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';

const skip = agentSkip;
if (skip) console.log(`# skipping agent files through dist/octant: ${skip}`);

const MANIFEST = `version: 1
identity: { name: keeper, operator: ops@example.com }
processes: { exec: [/usr/bin/sh, /usr/bin/ln, /usr/bin/printf, /usr/bin/mkdir, /usr/bin/sleep] }
syscalls: ["@base", "@file-read", "@file-write", "@network-client", "@network-server", "@timers", "@process-spawn"]
governance: { critical: [] }
resources: { cpu: 0.5, memory: 256MiB, ioBandwidth: 10MiB/s, pids: 64, networkThroughput: 1MiB/s }
lifetime: { ttl: unlimited }
retain: [out]
`;

const PROGRAM = 'mkdir -p /scratch/out/sub; echo hi > /scratch/out/a.txt; echo deep > /scratch/out/sub/b.txt; /usr/bin/ln -s /etc/shadow /scratch/out/link; /usr/bin/printf "x\\033[2Jy\\n" > /scratch/out/esc.txt';

/** Run a child to its end, collecting its output (asynchronously, so the test can act meanwhile). */
function started(args: string[]) {
  const child = spawn(OCTANT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, done, out: () => stdout, err: () => stderr };
}

async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('run --approval, agent files, logs -f, ledger tail -f and agent rm through dist/octant', { skip, timeout: 240_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-files-'));
  const octant = (...args: string[]) => spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 90_000 });
  let boot: ReturnType<typeof started> | undefined;
  try {
    assert.equal(octant('keys', 'generate', '--name', 'ops').status, 0);
    writeFileSync(join(root, 'm.yaml'), MANIFEST);
    const key = join(root, 'etc', 'keys', 'private', 'ops.key');
    assert.equal(octant('manifest', 'sign', join(root, 'm.yaml'), '--key', key, '--out', join(root, 'm.json')).status, 0);

    // An unlimited lifetime without an approval is refused; with one it runs.
    const refused = octant('run', join(root, 'm.json'), '--', '/usr/bin/sh', '-c', PROGRAM);
    assert.equal(refused.status, 4, refused.stderr);
    assert.match(refused.stderr, /E_MANIFEST_UNLIMITED/);
    assert.equal(octant('manifest', 'approve', join(root, 'm.json'), '--key', key, '--out', join(root, 'approval.json')).status, 0);
    const badApproval = join(root, 'not-json');
    writeFileSync(badApproval, '{');
    assert.match(octant('run', join(root, 'm.json'), '--approval', badApproval, '--', '/usr/bin/true').stderr, /E_APPROVAL_FILE.*not-json/);
    const ran = octant('run', join(root, 'm.json'), '--approval', join(root, 'approval.json'), '--', '/usr/bin/sh', '-c', PROGRAM);
    assert.equal(ran.status, 0, ran.stderr);
    const aid = (JSON.parse(octant('agent', 'list', '--state', 'archived', '--json').stdout) as { aid: string }[])[0]!.aid;

    // What it retained: listed (the link as a link), printed escaped, copied without the link.
    const listing = octant('agent', 'files', aid);
    assert.equal(listing.status, 0, listing.stderr);
    assert.match(listing.stdout, /^file\s+3\s+out\/a\.txt$/m);
    assert.match(listing.stdout, /^symlink\s+0\s+out\/link$/m);
    const link = octant('agent', 'files', aid, 'out/link');
    assert.equal(link.status, 4);
    assert.match(link.stderr, /E_FS_SYMLINK/);
    assert.doesNotMatch(link.stdout, /root:/);
    // A unique start of the id: its time part and some of its random part (the
    // time part alone is shared by agents started in the same stretch of time).
    const esc = octant('agent', 'files', aid.slice(0, 4 + 10 + 6), 'out/esc.txt');
    assert.equal(esc.status, 0, esc.stderr);
    assert.equal(esc.stdout, 'x\\x1b[2Jy\n');
    const copy = octant('agent', 'files', aid, 'out', '--out', join(root, 'got'));
    assert.equal(copy.status, 0, copy.stderr);
    assert.equal(readFileSync(join(root, 'got', 'out', 'sub', 'b.txt'), 'utf8'), 'deep\n');
    assert.ok(!existsSync(join(root, 'got', 'out', 'link')));
    assert.match(copy.stderr, /skipped out\/link \(symlink/);
    // logs -f of an ended agent prints what it wrote and returns.
    assert.equal(octant('agent', 'logs', '-f', aid).status, 0);

    // A running system: logs -f follows a live agent to its end; ledger tail -f prints appends.
    boot = started(['--root', root, 'boot']);
    await until('the system to boot', () => octant('status').status === 0);
    const tail = started(['--root', root, 'ledger', 'tail', '-f', '-n', '0', '--kind', 'operator']);
    const detached = octant('run', join(root, 'm.json'), '--approval', join(root, 'approval.json'), '--detach', '--', '/usr/bin/sh', '-c', 'echo first; sleep 2; echo second');
    assert.equal(detached.status, 0, detached.stderr);
    const live = detached.stdout.trim();
    const logs = started(['--root', root, 'agent', 'logs', '-f', live]);
    assert.equal(await logs.done, 0, logs.err());
    assert.match(logs.out(), /first\n(.*\n)*second\n/);

    // rm: a live agent is refused (none is live now: the one followed has ended), the ended one goes.
    const rm = octant('agent', 'rm', aid);
    assert.equal(rm.status, 0, rm.stderr);
    assert.equal(octant('agent', 'inspect', aid).status, 1);
    await until('ledger tail -f to print the removal', () => tail.out().includes(`agent.rm  ${aid}`));
    tail.child.kill('SIGINT');
    assert.equal(await tail.done, 0, tail.err());
  } finally {
    boot?.child.kill('SIGTERM');
    if (boot !== undefined) await boot.done;
    rmSync(root, { recursive: true, force: true });
  }
});
