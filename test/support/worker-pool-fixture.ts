// A worker entry for src/lib/worker-pool.test.ts: tasks that answer, throw,
// block until released, and kill their worker.

import { serveTasks } from '../../src/lib/worker-tasks.ts';

serveTasks({
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
});
