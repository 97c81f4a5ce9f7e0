// A real guest kernel for the image tests: Debian's own kernel package,
// downloaded once with apt-get (nothing is installed on the host) and
// unpacked with dpkg-deb into .cache/guest (gitignored), booted with QEMU's
// software emulation (TCG: this host's /dev/kvm cannot run ordinary guests).
// The serial console is collected; every boot is bounded by a timeout and is
// tried once more when the guest kernel panics (rare under emulation).

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GUEST_CACHE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'guest');

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).stdout.toString().trim() !== '';
}

/** Why guests cannot be built and booted here, or false. */
export function guestSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (apt-get download, mkfs of the data disk)';
  for (const [tool, pkg] of [['qemu-system-x86_64', 'qemu-system-x86'], ['swtpm', 'swtpm'], ['mksquashfs', 'squashfs-tools'], ['veritysetup', 'cryptsetup-bin'],
    ['mkfs.ext4', 'e2fsprogs'], ['busybox', 'busybox-static'], ['dpkg-deb', 'dpkg'], ['apt-get', 'apt']] as const) {
    if (!has(tool)) return `${tool} is not installed (apt-get install ${pkg})`;
  }
  return false;
}

/** The unpacked kernel package (boot/vmlinuz-*, lib/modules/...), or why there is none. */
export function guestKernel(): string | { skip: string } {
  const existing = existsSync(GUEST_CACHE) ? readdirSync(GUEST_CACHE).filter((d) => d.startsWith('linux-image-')) : [];
  if (existing.length > 0) return join(GUEST_CACHE, existing.sort().at(-1)!);
  // linux-image-amd64 is Debian's pointer to the current 6.1 kernel package.
  const depends = spawnSync('apt-cache', ['depends', 'linux-image-amd64'], { encoding: 'utf8' }).stdout ?? '';
  const name = /Depends: (linux-image-6\.1\.0-\d+-amd64)\b/.exec(depends)?.[1];
  if (name === undefined) return { skip: 'apt-cache knows no linux-image-6.1.0-*-amd64 (run apt-get update)' };
  const work = join(GUEST_CACHE, `.download-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    const got = spawnSync('apt-get', ['download', '-q', name], { cwd: work, encoding: 'utf8', timeout: 300_000 });
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (deb === undefined) return { skip: `apt-get download ${name} failed: ${(got.stderr ?? '').trim().split('\n').at(-1)}` };
    execFileSync('dpkg-deb', ['-x', join(work, deb), join(work, 'tree')]);
    const target = join(GUEST_CACHE, name);
    renameSync(join(work, 'tree'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface Drive {
  file: string;
  readonly?: boolean;
}

export interface BootOptions {
  kernel: string;
  initrd: string;
  append: string;
  /** virtio disks, in order: /dev/vda, /dev/vdb, ... */
  drives: Drive[];
  timeoutMs: number;
  memoryMiB?: number;
  /** A TPM 2.0: swtpm's state directory (a fresh one is a new TPM; the same one, the same TPM). */
  tpmState?: string;
}

export interface BootResult {
  console: string;
  /** QEMU's exit code (0: the guest powered off or restarted with -no-reboot), null when killed. */
  code: number | null;
  timedOut: boolean;
  panicked: boolean;
  ms: number;
  attempts: number;
}

/** Starts swtpm on a unix socket in `state` (the qemu side of -tpmdev emulator); resolves once it listens. */
async function startSwtpm(state: string): Promise<{ socket: string; stop(): void }> {
  mkdirSync(state, { recursive: true });
  const socket = join(state, 'swtpm.sock');
  rmSync(socket, { force: true });
  // --terminate: it ends with QEMU's connection; stop() covers a QEMU that never connected.
  const swtpm = spawn('swtpm', ['socket', '--tpm2', '--tpmstate', `dir=${state}`, '--ctrl', `type=unixio,path=${socket}`, '--terminate'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(socket)) { swtpm.kill('SIGKILL'); throw new Error('swtpm did not create its socket'); }
  return { socket, stop: () => { if (swtpm.exitCode === null) swtpm.kill('SIGTERM'); } };
}

async function bootOnce(options: BootOptions): Promise<Omit<BootResult, 'attempts'>> {
  const tpm = options.tpmState !== undefined ? await startSwtpm(options.tpmState) : undefined;
  try {
    return await runQemu(options, tpm === undefined ? [] : [
      // SeaBIOS (QEMU's default firmware) and the compressed kernel: the firmware starts the TPM and publishes its ACPI table.
      '-chardev', `socket,id=chrtpm,path=${tpm.socket}`, '-tpmdev', 'emulator,id=tpm0,chardev=chrtpm', '-device', 'tpm-tis,tpmdev=tpm0',
    ]);
  } finally {
    tpm?.stop();
  }
}

function runQemu(options: BootOptions, extra: string[]): Promise<Omit<BootResult, 'attempts'>> {
  const args = [
    '-accel', 'tcg', '-cpu', 'max', '-m', String(options.memoryMiB ?? 1024), '-smp', '1',
    '-nodefaults', '-no-user-config', '-no-reboot', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
    '-kernel', options.kernel, '-initrd', options.initrd,
    // panic=-1: a panicking guest restarts at once, which -no-reboot turns into QEMU's exit.
    '-append', `${options.append} panic=-1`,
    ...options.drives.flatMap((d) => ['-drive', `file=${d.file},if=virtio,format=raw${d.readonly ? ',readonly=on' : ''}`]),
    ...extra,
  ];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    qemu.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    qemu.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; qemu.kill('SIGKILL'); }, options.timeoutMs);
    qemu.on('error', (error) => { clearTimeout(timer); reject(error); });
    qemu.on('exit', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8').replace(/\r/g, '');
      resolve({ console: text, code, timedOut, panicked: /Kernel panic - not syncing/.test(text), ms: Math.round(performance.now() - started) });
    });
  });
}

/** Boots, and once more if the guest kernel panicked. */
export async function bootGuest(options: BootOptions): Promise<BootResult> {
  const first = await bootOnce(options);
  if (!first.panicked) return { ...first, attempts: 1 };
  process.stdout.write(`# guest kernel panicked; booting once more\n${first.console.split('\n').filter((l) => /panic|RIP|Call Trace/.test(l)).slice(0, 5).map((l) => `#   ${l}`).join('\n')}\n`);
  return { ...(await bootOnce(options)), attempts: 2 };
}
