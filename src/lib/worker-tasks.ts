// The worker side of lib/worker-pool.ts: a worker entry calls serveTasks()
// with its table of tasks (name -> function of the input). Each message is
// one task; its value (or its error's message and code) goes back. A task
// that throws fails only itself; the worker keeps serving.
//
// The builtin comes from process.getBuiltinModule, not an import: a worker
// entry is bundled into a script for the executable (scripts/build.ts) and
// loads nothing it does not name here (see worker-pool.ts on what a worker
// of the executable must not load).

import type { ReplyMessage, TaskMessage } from './worker-pool.ts';

export type TaskTable = Readonly<Record<string, (input: never) => unknown>>;

export interface ServeOptions {
  /**
   * Background work (indexing, embedding a corpus): run this thread at this
   * nice value (Linux setpriority(2) on the thread's own id, 1..19), so the
   * threads serving agents win the CPU whenever both want it. Work someone
   * waits for (redaction of an answer) leaves it unset. This loads node:fs
   * and node:os in the worker: a background entry must be tested through
   * dist/octant before it ships (see worker-pool.ts on what a worker of the
   * executable may load).
   */
  niceness?: number;
}

/** Lower this thread's priority (not the process's): /proc/thread-self names the thread's id. */
function renice(niceness: number): void {
  const tid = Number(process.getBuiltinModule('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  process.getBuiltinModule('node:os').setPriority(tid, niceness);
}

export function serveTasks(tasks: TaskTable, options: ServeOptions = {}): void {
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  if (parentPort === null) throw new Error('serveTasks: not in a worker thread');
  if (options.niceness !== undefined) renice(options.niceness);
  const failed = (id: number, error: unknown): ReplyMessage => {
    const e = error instanceof Error ? error : new Error(String(error));
    const code = (e as { code?: unknown }).code;
    return { id, ok: false, error: { message: e.message, code: typeof code === 'string' ? code : undefined } };
  };
  parentPort.on('message', (message: TaskMessage) => {
    let reply: ReplyMessage;
    try {
      const task = Object.hasOwn(tasks, message.task) ? tasks[message.task] : undefined;
      if (task === undefined) throw Object.assign(new Error(`no task '${message.task}'`), { code: 'E_WORKER_TASK_UNKNOWN' });
      const value = (task as (input: unknown) => unknown)(message.input);
      // A task that waits (a wasm runtime's asynchronous calls) answers when it settles.
      if (value instanceof Promise) {
        value.then((v: unknown) => parentPort.postMessage({ id: message.id, ok: true, value: v } satisfies ReplyMessage), (error: unknown) => parentPort.postMessage(failed(message.id, error)));
        return;
      }
      reply = { id: message.id, ok: true, value };
    } catch (error) {
      reply = failed(message.id, error);
    }
    parentPort.postMessage(reply);
  });
  parentPort.postMessage({ ready: true } satisfies ReplyMessage);
}
