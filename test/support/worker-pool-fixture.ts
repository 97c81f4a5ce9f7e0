// A worker entry for src/lib/worker-pool.test.ts: tasks that answer, throw,
// block until released, and kill their worker; FIXTURE_NICENESS in the
// environment makes it a background worker at that nice value.

import { serveTasks } from '../../src/lib/worker-tasks.ts';

serveTasks({
  // This thread's nice value, as the kernel reports it.
  niceness: () => {
    const tid = Number(process.getBuiltinModule('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    return process.getBuiltinModule('node:os').getPriority(tid);
  },
  echo: (input: unknown) => input,
  thread: () => process.getBuiltinModule('node:worker_threads').threadId,
  fail: (message: string) => {
    throw Object.assign(new Error(message), { code: 'E_FIXTURE' });
  },
  // Blocks this thread until the main thread stores 1 in the shared flag.
  block: (flag: SharedArrayBuffer) => {
    Atomics.wait(new Int32Array(flag), 0, 0);
    return 'released';
  },
  crash: () => process.exit(3),
}, { niceness: process.env.FIXTURE_NICENESS === undefined ? undefined : Number(process.env.FIXTURE_NICENESS) });
