// The image boots as an operating system, in a real guest kernel (Debian's
// 6.1, QEMU TCG): `octant image build` through dist/octant, twice, gives the
// same root hash; the initramfs verifies the root with dm-verity and hands
// over to /octant init as PID 1 on the read-only root; the services come up
// ("system ready"); a boot command runs an agent whose cgroup v2 limits are
// enforced (memory: OOM kill; pids: a fork bomb stops at pids.max; cpu:
// quota), the whole group is killed and removed at its end (no leaked
// cgroup), and `octant stop --poweroff` powers the machine off in order.
// Twin of the verified boot: one flipped byte in the root image, and the
// boot is refused before anything on it runs. Two boots in all.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT } from '../../support/dist-octant.ts';
import { bootGuest, guestKernel, guestSkipReason, type BootResult } from '../../support/guest.ts';

let skip: string | false = guestSkipReason() || (existsSync(OCTANT) ? false : 'dist/octant is not built (npm test builds it)');
let kernelDir = '';
if (!skip) {
  const kernel = guestKernel();
  if (typeof kernel === 'string') kernelDir = kernel;
  else skip = kernel.skip;
}
if (skip) console.log(`# skipping the guest boot suite: ${skip}`);

const work = mkdtempSync(join(tmpdir(), 'octant-guest-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Image { dir: string; rootHash: string; cmdline: string; squashfsBytes: number }

function buildImage(out: string): Image {
  const built = spawnSync(OCTANT, ['image', 'build', '--kernel', kernelDir, '--out', out], {
    encoding: 'utf8', timeout: 300_000, env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
  });
  assert.equal(built.status, 0, built.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'image.json'), 'utf8')) as Image;
  return { ...manifest, dir: out };
}

// The agent's limits and what it does inside them, run by busybox's sh
// (test scaffolding on the data disk; the image itself has no shell).
const MANIFEST = `version: 1
identity: { name: limits, operator: ops@example.com }
filesystem: { read: [/data/checks] }
processes: { exec: [/data/checks/busybox] }
syscalls: ["@base", "@file-read", "@file-write", "@process-spawn", "@timers", "@network-client", "@network-server"]
governance: { critical: [] }
resources: { cpu: 0.25, memory: 192MiB, ioBandwidth: 10MiB/s, pids: 32, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
`;
const CHECKS = `
echo "check: start"
# memory.max 192 MiB: dd with a 384 MiB buffer is OOM-killed while filling
# it (the largest process in the group; octant's bridge beside it takes ~64 MiB).
dd if=/dev/zero of=/dev/null bs=384M count=1 2>/dev/null && echo "check: memory survived"
echo "check: memory exit $?"
# cpu.max 25%: a spinner gets about a quarter of 3 s (clock ticks of 10 ms).
( while :; do :; done ) & spinner=$!
sleep 3
read -r stat < /proc/$spinner/stat
kill -9 $spinner
set -- $stat
echo "check: cpu ticks $((\${14} + \${15})) of 300"
# pids.max 32: a fork bomb stops at the limit; its sleepers stay behind for
# the end of the agent to kill (the whole group at once).
( i=0; while [ $i -lt 500 ]; do sleep 600 & i=$((i+1)); echo $i > forks; done ) 2>/dev/null
read -r forks < forks
echo "check: pids forks $forks"
`;

function provisionDataDisk(file: string): void {
  const host = join(work, 'host-root');
  const stage = join(work, 'data-stage');
  const octant = (...args: string[]): string => {
    const r = spawnSync(OCTANT, ['--root', host, ...args], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  // The operator's key stays with the operator; the guest trusts its public
  // half (the guest's own key set is sealed by the guest's machine key).
  const generated = octant('keys', 'generate', '--name', 'ops', '--no-trust');
  mkdirSync(join(stage, 'checks'), { recursive: true });
  mkdirSync(join(stage, 'etc'), { recursive: true });
  writeFileSync(join(stage, 'checks', 'ops.pub'), generated.slice(generated.indexOf('-----BEGIN')));
  writeFileSync(join(work, 'limits.yaml'), MANIFEST);
  octant('manifest', 'sign', join(work, 'limits.yaml'), '--key', join(host, 'etc', 'keys', 'private', 'ops.key'), '--out', join(stage, 'checks', 'limits.signed.json'));
  copyFileSync(execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim(), join(stage, 'checks', 'busybox'));
  writeFileSync(join(stage, 'checks', 'limits.sh'), CHECKS);
  writeFileSync(join(stage, 'etc', 'octant.yaml'), `init:
  run:
    - [cat, /proc/1/cmdline]
    - [keys, add, /data/checks/ops.pub, --name, ops]
    - [run, /data/checks/limits.signed.json, --, /data/checks/busybox, sh, /data/checks/limits.sh]
    - [echo, "check: cgroups left:"]
    - [ls, /sys/fs/cgroup/octant]
    - [echo, "check: end of cgroups"]
    - [stop, --poweroff]
`);
  rmSync(file, { force: true });
  execFileSync('mkfs.ext4', ['-q', '-F', '-L', 'octant-data', '-d', stage, file, '512M']);
}

function boot(image: Image, root: string, data: string, timeoutMs: number): Promise<BootResult> {
  return bootGuest({
    kernel: join(image.dir, 'vmlinuz'), initrd: join(image.dir, 'initramfs.img'), append: image.cmdline,
    drives: [{ file: root, readonly: true }, { file: data }], timeoutMs,
  });
}

let image: Image;
before(() => {
  if (skip) return;
  image = buildImage(join(work, 'image'));
});

test('octant image build is reproducible: the same inputs give the same root hash', { skip, timeout: 600_000 }, () => {
  const again = buildImage(join(work, 'image-again'));
  assert.equal(again.rootHash, image.rootHash);
  assert.ok(readFileSync(join(again.dir, 'initramfs.img')).equals(readFileSync(join(image.dir, 'initramfs.img'))), 'initramfs bytes');
  rmSync(again.dir, { recursive: true, force: true });
});

test('the image boots: verity verified, octant is PID 1, services ready, an agent confined by cgroup v2, orderly poweroff', { skip, timeout: 600_000 }, async () => {
  const data = join(work, 'data.img');
  provisionDataDisk(data);
  const result = await boot(image, join(image.dir, 'root.img'), data, 420_000);
  const out = result.console;
  // On failure: the console from the hand-over on, without the routine service lines.
  const handover = Math.max(0, out.indexOf('octant-boot: handing over'));
  const show = `\n--- console (${result.ms} ms, ${result.attempts} boot(s)) ---\n${out.slice(handover).split('\n').filter((l) => !/"service (transition|ready)"/.test(l)).join('\n').slice(-12000)}`;
  assert.equal(result.timedOut, false, `the guest did not power off in time${show}`);
  assert.match(out, /octant-boot: root verified \/dev\/vda/, show);
  assert.match(out, /"msg":"init started","pid":1,"mode":"pid1"/, show);
  assert.match(out, /octant\0init/, `PID 1's command line is octant init${show}`);
  const ready = /"msg":"system ready","kernelUptimeMs":(\d+),"octantMs":(\d+)/.exec(out);
  assert.ok(ready !== null, `system ready${show}`);
  // The figures of docs/benchmarks.md "Guest boot" (kernel timestamps: printk's).
  const initAt = Number(/\[\s*([\d.]+)\] Run \/init as init process/.exec(out)?.[1]) * 1000;
  const dataAt = Number(/\[\s*([\d.]+)\] EXT4-fs \(vdb\): mounted/.exec(out)?.[1]) * 1000;
  console.log(`# guest boot (TCG): kernel start to /init ${Math.round(initAt)} ms, /init to hand-over ${Math.round(dataAt - initAt)} ms, `
    + `kernel start to system ready ${ready[1]} ms, of which octant (process start to ready) ${ready[2]} ms; image ${image.squashfsBytes} bytes squashfs`);
  // memory: the hog was killed by the kernel's OOM killer inside the agent's group.
  assert.match(out, /check: memory exit 137/, show);
  assert.match(out, /oom-kill:.*oom_memcg=\/octant\/[A-Za-z0-9._-]+/, show);
  assert.doesNotMatch(out, /check: memory survived/, show);
  // cpu: the quota held the spinner well under the 300 ticks it could use.
  const ticks = Number(/check: cpu ticks (\d+) of 300/.exec(out)?.[1]);
  assert.ok(ticks > 0 && ticks < 150, `cpu ticks ${ticks}${show}`);
  // pids: the bomb stopped below pids.max (the sandbox's own processes count too).
  const forks = Number(/check: pids forks (\d+)/.exec(out)?.[1]);
  assert.ok(forks > 0 && forks < 32, `forks ${forks}${show}`);
  // The agent's end killed its whole group (the sleepers with it) and removed it.
  // octant/ itself is still there (ls lists its control files), no agent group below it.
  const left = /check: cgroups left:\n([\s\S]*?)check: end of cgroups/.exec(out)?.[1] ?? '';
  assert.match(left, /^cgroup\.procs$/m, `ls listed /sys/fs/cgroup/octant${show}`);
  assert.doesNotMatch(left, /^agt_/m, `no leaked cgroup${show}`);
  // Orderly poweroff: services stopped, then the kernel powered down.
  assert.match(out, /"msg":"powering off"/, show);
  assert.match(out, /reboot: Power down/, show);
  assert.equal(result.code, 0, show);
});

test('one flipped byte in the root image: the read fails and the boot is refused', { skip, timeout: 300_000 }, async () => {
  const tampered = join(work, 'root-tampered.img');
  copyFileSync(join(image.dir, 'root.img'), tampered);
  const fd = openSync(tampered, 'r+');
  const at = Math.floor(image.squashfsBytes / 2);
  const byte = Buffer.alloc(1);
  readFileSync(tampered).copy(byte, 0, at, at + 1);
  writeSync(fd, Buffer.from([byte[0] ^ 0x01]), 0, 1, at);
  closeSync(fd);
  const data = join(work, 'data-tampered.img');
  copyFileSync(join(image.dir, 'data.img'), data);
  const result = await boot(image, tampered, data, 240_000);
  const show = `\n--- console ---\n${result.console.slice(-3000)}`;
  assert.equal(result.timedOut, false, show);
  assert.match(result.console, /octant-boot: refusing to boot: verify root image/, show);
  assert.match(result.console, /device-mapper: verity: .*data block \d+ is corrupted/, show);
  assert.doesNotMatch(result.console, /handing over|init started/, show);
});
