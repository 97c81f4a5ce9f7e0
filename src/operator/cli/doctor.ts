// octant doctor: are the kernel features OctantOS relies on present?
// Exit 0 when every required feature is there, 3 (unavailable) otherwise.
import { boolFlag } from '../../lib/args.ts';
import { EXIT } from '../../lib/errors.ts';
import { writeJson, type Io } from '../../lib/io.ts';
import { runChecks, type DoctorProbes } from '../../runtime/doctor/checks.ts';
import { systemProbes } from '../../runtime/doctor/probes.ts';
import type { Command } from './command.ts';

/** Run the checks with the given probes and print the report; returns the exit code. */
export function runDoctor(io: Io, json: boolean, probes: DoctorProbes): number {
  const report = runChecks(probes);
  if (json) writeJson(io.stdout, report);
  else {
    const width = Math.max(...report.checks.map((c) => c.name.length));
    for (const c of report.checks) {
      io.stdout.write(`${c.status.padEnd(16)} ${c.name.padEnd(width)}  ${c.detail}\n`);
      if (c.hint !== undefined) io.stdout.write(`${''.padEnd(16)} ${''.padEnd(width)}  hint: ${c.hint}\n`);
    }
    const missing = report.checks.filter((c) => c.status === 'missing').length;
    io.stdout.write(report.ok ? 'doctor: every required feature is present\n' : `doctor: ${missing} required feature(s) missing\n`);
  }
  return report.ok ? EXIT.ok : EXIT.unavailable;
}

export const command: Command = {
  name: 'doctor',
  summary: 'check the kernel features OctantOS needs: namespaces, seccomp, cgroups, bubblewrap',
  options: { json: { type: 'boolean', help: 'print the report as JSON' } },
  positionals: false,
  notes: [
    'Checks user/mount/pid/net/ipc/uts/cgroup namespaces (by creating each), seccomp,',
    'cgroup v1/v2 controllers, bubblewrap, runsc (optional), Landlock (optional) and node:ffi.',
    'Each is ok, missing or optional-missing with a hint. Exit 3 if a required one is missing.',
  ].join('\n'),
  async run(parsed, { io }) {
    return runDoctor(io, boolFlag(parsed, 'json'), systemProbes);
  },
};
