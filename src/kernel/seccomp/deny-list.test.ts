import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denyReason, permanentDenyList, unknownDenyEntries } from './deny-list.ts';

test('every deny-list entry is a real x86_64 syscall with a reason', () => {
  assert.deepEqual(unknownDenyEntries(), []);
  for (const [name, reason] of permanentDenyList()) assert.ok(reason.length > 5, `${name} needs a reason`);
});

test('the containment-breaking calls the product names are on the list', () => {
  for (const name of ['init_module', 'finit_module', 'delete_module', 'kexec_load', 'kexec_file_load', 'reboot', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'bpf', 'perf_event_open', 'keyctl', 'add_key', 'request_key', 'mount', 'umount2', 'pivot_root', 'swapon', 'swapoff', 'setns', 'unshare', 'open_by_handle_at', 'userfaultfd', 'io_uring_setup', 'io_uring_enter', 'io_uring_register']) {
    assert.ok(denyReason(name), `${name} must be permanently denied`);
  }
  assert.equal(denyReason('read'), undefined);
});
