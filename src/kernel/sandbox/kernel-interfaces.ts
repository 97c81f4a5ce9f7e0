// Kernel interfaces inside a sandbox's fresh /proc: what stays visible is
// read-only, what leaks host state is masked. The floor is the OCI runtime
// spec's defaults (runtime-spec config-linux.md "readonlyPaths" and
// "maskedPaths", as runc/containerd ship them):
//   read-only: /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger
//   masked:    /proc/acpi /proc/asound /proc/kcore /proc/keys
//              /proc/latency_stats /proc/timer_list /proc/timer_stats
//              /proc/sched_debug /proc/scsi
// The agent's uid cannot write host sysctls anyway (they belong to the
// initial user namespace's root); the read-only mounts are the second lock,
// so a mistake in the uid mapping alone does not reopen core_pattern.
// /sys is not mounted at all (a read-only grant of it is the launcher's
// business, never a write: launch.ts).
//
// Which of them exist depends on the kernel's configuration, and bwrap
// cannot mount over a path that does not exist, so the lists are filtered
// against the host's /proc once per process (the sandbox's /proc shows the
// same entries).

import { existsSync, statSync } from 'node:fs';

export const PROC_READ_ONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'] as const;
export const PROC_MASKED = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi',
] as const;

export interface ProcLayout {
  /** Bound read-only onto themselves. */
  readOnly: string[];
  /** Masked files: /dev/null bound over them (reads give nothing). */
  maskedFiles: string[];
  /** Masked directories: an empty read-only tmpfs over them. */
  maskedDirs: string[];
}

export function hostProcLayout(): ProcLayout {
  const present = (path: string): boolean => existsSync(path);
  const masked = PROC_MASKED.filter(present);
  return {
    readOnly: PROC_READ_ONLY.filter(present),
    maskedFiles: masked.filter((path) => !statSync(path).isDirectory()),
    maskedDirs: masked.filter((path) => statSync(path).isDirectory()),
  };
}

/**
 * bwrap options, placed right after `--proc /proc`. The read-only binds take
 * the host's /proc/<x> as source (bwrap binds from the old root); sysctl
 * handlers answer for the reader's own namespaces, so /proc/sys/net still
 * shows the sandbox's network namespace.
 */
export function procArgs(proc: ProcLayout): string[] {
  const args: string[] = [];
  for (const path of proc.readOnly) args.push('--ro-bind', path, path);
  // --dev-bind: a plain bind is nodev, and /dev/null on a nodev mount cannot
  // be opened at all; with it the masked file opens and reads empty.
  for (const path of proc.maskedFiles) args.push('--dev-bind', '/dev/null', path);
  for (const path of proc.maskedDirs) args.push('--perms', '0555', '--tmpfs', path, '--remount-ro', path);
  return args;
}
