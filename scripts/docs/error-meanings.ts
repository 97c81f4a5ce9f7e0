// What a code means, for the codes whose message is computed at run time (so
// the scanner has no literal to show). scripts/docs/error-catalogue.ts
// refuses to render a catalogue where a code has neither a literal message
// nor an entry here, and an entry for a code no longer in src/.

export const ERROR_MEANINGS: Readonly<Record<string, string>> = {
  E_ADMIN_INTERNAL: 'the admin API failed with an error that is not an OctantError (a bug); the message is the error\'s own',
  E_ADMIN_STATUS: 'the admin API answered an error status without an error body (the CLI otherwise shows the server\'s own code)',
  E_FS_CREDENTIALS: 'a file tool could not switch to the agent\'s uid and gid for the operation, so it did nothing (fail closed)',
  E_GATEWAY: 'the agent gateway failed a request without a more precise code (HTTP 500 to the agent)',
  E_GATEWAY_BODY: 'an agent\'s request body to its gateway is not strict I-JSON (HTTP 400 naming the problem)',
  E_GATEWAY_STATUS: 'inside the sandbox: the gateway answered an error status without an error body',
  E_IMAGE_DATA_DISK: 'octant image build: mkfs.ext4 failed making the data disk; the message has its output',
  E_IMAGE_SQUASHFS: 'octant image build: mksquashfs failed making the root filesystem; the message has its output',
  E_INIT_MOUNT_CGROUP: 'as PID 1: mounting cgroup2 on /sys/fs/cgroup failed',
  E_INIT_MOUNT_DEV: 'as PID 1: mounting devtmpfs on /dev failed',
  E_INIT_MOUNT_PROC: 'as PID 1: mounting proc on /proc failed',
  E_INIT_MOUNT_RUN: 'as PID 1: mounting the tmpfs on /run failed',
  E_INIT_MOUNT_SYS: 'as PID 1: mounting sysfs on /sys failed',
  E_INTERNAL: 'a command failed with an error that is not an OctantError (a bug); the message is the error\'s own',
  E_WORKER_TASK_UNKNOWN: 'a worker thread was asked for a task its pool does not offer (a bug); the request names the task',
  E_JSON_BODY: 'a request body is not strict I-JSON (duplicate key, lone surrogate, number out of range, too deep); the message names the problem',
  E_LEDGER_LOCK: 'another process holds the ledger\'s writer lock (a second daemon on the same root); the message names the holder',
  E_LEDGER_PROOF_INVALID: 'a Merkle inclusion or consistency proof does not verify (RFC 6962 §2.1); the message says which check failed',
  E_LIFECYCLE_CRASHED: 'the agent\'s process ended without the lifecycle asking it to (crash, kill, out of memory); the message gives the exit status',
  E_MANIFEST_GRANT_DEV: 'a filesystem grant reaches /dev (device nodes are never granted)',
  E_MANIFEST_GRANT_PROC: 'a filesystem grant reaches /proc (the kernel\'s interfaces are never granted)',
  E_MANIFEST_GRANT_SYS: 'a filesystem grant reaches /sys (the kernel\'s interfaces are never granted)',
  E_MANIFEST_PARENT: 'a child manifest asks for more than its parent\'s grants; the message names the field',
  E_MANIFEST_SPAWN_BUDGET: 'starting this agent would exceed an ancestor\'s spawning.maxDepth or maxDescendants',
  E_NET_TARGET: 'a destination (host, port or URL) is malformed or not allowed by the egress rules; the message names it',
  E_NOTE_FORMAT: 'a signed note (C2SP checkpoint or cosignature) is malformed; the message names the line',
  E_ROUTER_SERVE: '`octant router serve` could not reach the running system or was refused by it',
  E_ROUTER_USAGE: 'a provider returned a usage record the router cannot trust (missing or inconsistent token counts)',
  E_SANDBOX_EXEC_GUARD: 'the exec-guard helper could not be written, compiled or checked, so no sandbox starts',
  E_TOOL_FAILED: 'a tool failed with an error that is not an OctantError; the agent gets the message',
  E_UNKNOWN: 'an agent ended with an error that is not an OctantError (recorded in the ledger under this code)',
};
