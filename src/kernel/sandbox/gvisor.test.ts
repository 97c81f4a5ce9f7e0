// The gVisor tier's seccomp translation for what the bubblewrap tier filters
// by argument: the restricted ioctl variant and clone3. Real runs under runsc
// are in test/integration/isolation-tier.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ociSeccomp } from './gvisor.ts';
import { HARMLESS_IOCTLS, TIOCSTI } from '../seccomp/arg-filters.ts';

interface OciRule { names: string[]; action: string; args?: { index: number; value: number; op: string }[] }

function rules(syscalls: string[]): OciRule[] {
  return (ociSeccomp({ syscalls, inet: false }) as { syscalls: OciRule[] }).syscalls;
}

test('ioctl:harmless: one allow alternative per listed request, nothing else; twin: the plain grant refuses only TIOCSTI', () => {
  const restricted = rules(['ioctl:harmless']);
  assert.deepEqual(restricted.map((r) => [r.names, r.action, r.args]), [...HARMLESS_IOCTLS.values()].map((value) => [['ioctl'], 'SCMP_ACT_ALLOW', [{ index: 1, value, op: 'SCMP_CMP_EQ' }]]));
  const full = rules(['ioctl', 'ioctl:harmless']);
  assert.deepEqual(full.map((r) => r.args), [[{ index: 1, value: TIOCSTI, op: 'SCMP_CMP_NE' }]], 'the plain grant supersedes the variant');
});

test('clone3 goes to the Sentry (which answers ENOSYS); clone keeps its namespace-flag rule', () => {
  const list = rules(['clone']);
  assert.deepEqual(list.find((r) => r.names.includes('clone3'))?.action, 'SCMP_ACT_ALLOW');
  assert.equal(list.find((r) => r.names[0] === 'clone')?.args?.[0].op, 'SCMP_CMP_MASKED_EQ');
  assert.equal(rules(['read']).some((r) => r.names.includes('clone3')), false, 'no clone, no clone3');
});
