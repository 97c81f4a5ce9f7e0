import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDoctor, command } from './doctor.ts';
import { runCommand } from './dispatch.ts';
import { memoryIo } from '../../lib/memory-io.ts';
import { isOctantError } from '../../lib/errors.ts';
import type { DoctorProbes } from '../../runtime/doctor/checks.ts';

function probes(bwrap: boolean): DoctorProbes {
  return {
    namespace: (kind) => ({ ok: true, detail: kind }),
    seccomp: () => ({ ok: true, detail: 'mode 0' }),
    cgroups: () => ({ v1: ['memory', 'pids', 'cpu'], v2: [], v2Mount: undefined }),
    limits: () => ({ ok: true, detail: 'cgroup v1' }),
    tool: (name) => (name === 'bwrap' && !bwrap ? { ok: false, detail: 'bwrap: not found on PATH' } : { ok: name !== 'runsc', detail: name }),
    landlockAbi: () => 3,
    ffi: () => ({ ok: true, detail: 'ok' }),
  };
}

test('doctor --json: exit 0 and ok:true when everything required is there', () => {
  const mem = memoryIo();
  assert.equal(runDoctor(mem.io, true, probes(true)), 0);
  const report = JSON.parse(mem.stdout()) as { ok: boolean; checks: Array<{ name: string; status: string; required: boolean; detail: string; hint?: string }> };
  assert.equal(report.ok, true);
  assert.equal(report.checks.length, 14);
  assert.deepEqual(Object.keys(report.checks[0]).sort(), ['detail', 'name', 'required', 'status']);
  const runsc = report.checks.find((c) => c.name === 'runsc')!;
  assert.deepEqual(runsc, { name: 'runsc', status: 'optional-missing', required: false, detail: 'runsc', hint: runsc.hint });
});

test('doctor: exit 3 and the missing feature named with its hint when bubblewrap is absent', () => {
  const json = memoryIo();
  assert.equal(runDoctor(json.io, true, probes(false)), 3);
  const report = JSON.parse(json.stdout()) as { ok: boolean; checks: Array<{ name: string; status: string; hint?: string }> };
  assert.equal(report.ok, false);
  assert.equal(report.checks.find((c) => c.name === 'bubblewrap')!.status, 'missing');

  const text = memoryIo();
  assert.equal(runDoctor(text.io, false, probes(false)), 3);
  assert.match(text.stdout(), /^missing +bubblewrap +bwrap: not found on PATH$/m);
  assert.match(text.stdout(), /hint: install bubblewrap/);
  assert.match(text.stdout(), /^doctor: 1 required feature\(s\) missing$/m);
});

test('doctor refuses arguments it does not know', async () => {
  const mem = memoryIo();
  await assert.rejects(runCommand(command, ['--fix'], { io: mem.io, rootFlag: undefined }), (e) => isOctantError(e, 'E_USAGE') && e.exit === 2);
});
