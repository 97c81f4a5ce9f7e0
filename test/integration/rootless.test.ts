// An ordinary user runs agents with the shipped executable (docs/isolation.md
// "Running without root"): the tests run as root, so each command is run as
// an unprivileged uid through setpriv(1) with a state root of its own.
// Where that user can get no cgroup (cgroup v1, as on the CI machine, or v2
// without a delegated subtree), an agent is refused with
// E_SANDBOX_LIMITS_UNENFORCED unless the operator accepts unenforced limits
// (the flag or octant.yaml); accepted, it still runs in a real sandbox as
// that user: no capability, seccomp on, no_new_privs, and only granted
// programs execute (Landlock through the exec-guard).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';
import { cgroupPlacement } from '../../src/kernel/cgroups/placement.ts';

/** An unprivileged identity outside the agents' default range, with no passwd entry (setpriv needs none). */
const USER = { uid: 298_765, gid: 298_765 };
const hasSetpriv = spawnSync('sh', ['-c', 'command -v setpriv']).stdout.toString().trim() !== '';
const skip = agentSkip || (!hasSetpriv ? 'setpriv (util-linux) is not installed' : false);
if (skip) console.log(`# skipping rootless agents: ${skip}`);

// What this machine gives an ordinary user; the refusal is only expected where limits cannot be enforced.
const placement = skip ? undefined : cgroupPlacement({
  euid: USER.uid, mountsText: spawnSync('cat', ['/proc/self/mounts'], { encoding: 'utf8' }).stdout,
  selfCgroupText: '', pid: 0,
});
const unenforcedHere = placement?.enforced === false;
if (!skip && !unenforcedHere) console.log('# rootless agents: this machine can enforce an ordinary user\'s limits; the refusal case is not exercised');

const MANIFEST = `version: 1
identity: { name: rootless, operator: ops@example.com }
processes: { exec: [/bin/sh, /usr/bin/id, /usr/bin/cat] }
syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
governance: { critical: [] }
resources: { cpu: 0.5, memory: 256MiB, ioBandwidth: 10MiB/s, pids: 64, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
`;

// Runs inside: who it is, its capabilities and filters, and a program it was not granted.
const PROBE = 'id -u; while read k v rest; do case $k in CapEff:|CapBnd:|Seccomp:|NoNewPrivs:) echo "$k $v";; esac; done < /proc/self/status; /usr/bin/env true || echo "env refused"';

function world(): { root: string; octant: (args: string[]) => SpawnSyncReturns<string>; done(): void } {
  const root = mkdtempSync(join(tmpdir(), 'octant-rootless-'));
  chownSync(root, USER.uid, USER.gid);
  return {
    root,
    octant: (args) => spawnSync('setpriv', [`--reuid=${USER.uid}`, `--regid=${USER.gid}`, '--clear-groups', OCTANT, '--root', root, ...args], {
      encoding: 'utf8', timeout: 120_000, env: { PATH: '/usr/bin:/bin', HOME: root },
    }),
    done: () => rmSync(root, { recursive: true, force: true }),
  };
}

function signedManifest(w: ReturnType<typeof world>): string {
  assert.equal(w.octant(['keys', 'generate', '--name', 'ops']).status, 0);
  const yaml = join(w.root, 'm.yaml');
  writeFileSync(yaml, MANIFEST);
  chownSync(yaml, USER.uid, USER.gid);
  const signed = join(w.root, 'm.json');
  const sign = w.octant(['manifest', 'sign', yaml, '--key', join(w.root, 'etc', 'keys', 'private', 'ops.key'), '--out', signed]);
  assert.equal(sign.status, 0, sign.stderr);
  return signed;
}

test('an ordinary user: refused where limits cannot be enforced; accepted, the agent runs sandboxed as that user', { skip, timeout: 240_000 }, () => {
  const w = world();
  try {
    const signed = signedManifest(w);
    if (unenforcedHere) {
      const refused = w.octant(['run', signed, '--', '/bin/sh', '-c', 'echo should not run']);
      assert.equal(refused.status, 4, refused.stderr);
      assert.match(refused.stderr, /error\[E_SANDBOX_LIMITS_UNENFORCED\]: resource limits cannot be enforced: /);
      assert.match(refused.stderr, /hint: .*--accept-unenforced-limits/);
      assert.doesNotMatch(refused.stdout, /should not run/);
    }
    const run = w.octant(['run', signed, '--accept-unenforced-limits', '--', '/bin/sh', '-c', PROBE]);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`^${USER.uid}$`, 'm'), 'the agent is the invoking user, never root');
    assert.match(run.stdout, /^CapEff: 0000000000000000$/m);
    assert.match(run.stdout, /^CapBnd: 0000000000000000$/m);
    assert.match(run.stdout, /^Seccomp: 2$/m, 'a seccomp filter is installed');
    assert.match(run.stdout, /^NoNewPrivs: 1$/m);
    assert.match(run.stdout, /^env refused$/m, 'a program the manifest does not grant cannot be executed');
    // The acceptance is in the record and in the ledger.
    const list = w.octant(['agent', 'list', '--json']);
    const aid = (JSON.parse(list.stdout) as { aid: string; state: string }[]).filter((r) => r.state === 'archived').at(-1)!.aid;
    const inspect = w.octant(['agent', 'inspect', aid]);
    assert.match(inspect.stdout, unenforcedHere ? /^limits +NOT enforced \(.+\); accepted by octant run --accept-unenforced-limits$/m : /^limits +enforced \(/m);
    const story = w.octant(['ledger', 'show', '--agent', aid, '--json']);
    assert.equal(story.status, 0, story.stderr);
    assert.match(story.stdout, unenforcedHere ? /"limits":"unenforced"/ : /"limits":"enforced"/);
    assert.equal(w.octant(['ledger', 'verify']).status, 0);
  } finally {
    w.done();
  }
});

test('an ordinary user: services.agents.acceptUnenforcedLimits accepts for the whole system; the record and octant status say so', { skip: skip || (!unenforcedHere && 'limits are enforced here'), timeout: 240_000 }, async () => {
  const w = world();
  try {
    const signed = signedManifest(w);
    const config = join(w.root, 'etc', 'octant.yaml');
    writeFileSync(config, 'services:\n  agents:\n    acceptUnenforcedLimits: true\n');
    chownSync(config, USER.uid, USER.gid);
    const run = w.octant(['run', signed, '--json', '--', '/usr/bin/id', '-u']);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const report = JSON.parse(run.stdout) as { record: { limits: { enforced: boolean; acceptedBy: string } } };
    assert.deepEqual([report.record.limits.enforced, report.record.limits.acceptedBy], [false, 'services.agents.acceptUnenforcedLimits']);
    // Without a booted system too (agent start --foreground reads the same setting).
    const foreground = w.octant(['agent', 'start', signed, '--foreground', '--', '/usr/bin/id', '-u']);
    assert.equal(foreground.status, 0, foreground.stderr);

    // The running system says so in `octant status`.
    const daemon = spawn('setpriv', [`--reuid=${USER.uid}`, `--regid=${USER.gid}`, '--clear-groups', OCTANT, '--root', w.root, 'boot'], { stdio: 'ignore', env: { PATH: '/usr/bin:/bin', HOME: w.root } });
    try {
      let status = w.octant(['status']);
      for (let i = 0; i < 100 && status.status !== 0; i++) {
        spawnSync('sleep', ['0.1']);
        status = w.octant(['status']);
      }
      assert.equal(status.status, 0, status.stderr);
      assert.match(status.stdout, /agents .*resource limits NOT enforced \(this machine uses cgroup v1.*\): accepted by services\.agents\.acceptUnenforcedLimits/);
    } finally {
      assert.equal(w.octant(['stop']).status, 0);
      if (daemon.exitCode === null) await new Promise((r) => daemon.once('exit', r));
    }
  } finally {
    w.done();
  }
});

test('an ordinary user: octant up runs the example agent in a sandbox once unenforced limits are accepted, and refuses it, saying why, otherwise', { skip, timeout: 300_000 }, () => {
  const w = world();
  try {
    if (unenforcedHere) {
      const refused = w.octant(['up', '--once']);
      assert.match(refused.stdout, /example agent refused: error\[E_SANDBOX_LIMITS_UNENFORCED\]/);
      assert.match(refused.stdout, /^hint: .*octant up --accept-unenforced-limits/m);
      assert.equal(refused.status, 4);
    }
    const up = w.octant(['up', '--once', '--accept-unenforced-limits']);
    assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
    assert.match(up.stdout, /demo-agent\): archived — exited with code 0/);
    assert.match(up.stdout, /action +deny +fs\.read .*salaries\.txt/);
    assert.match(up.stdout, /received the vault-injected credential/);
    assert.match(up.stdout, /^ok: .*ledger\.log/m);
  } finally {
    w.done();
  }
});
