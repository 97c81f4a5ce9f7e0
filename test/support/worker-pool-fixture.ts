// A worker entry for src/lib/worker-pool.test.ts: tasks that answer (at once or later), throw,
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
  // Answers after a turn of this thread's event loop (a wasm runtime's calls are asynchronous).
  later: (input: unknown) => new Promise((resolve) => setTimeout(() => resolve(input), 1)),
  laterFail: (message: string) => new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error(message), { code: 'E_FIXTURE_LATER' })), 1)),
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
