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

export function serveTasks(tasks: TaskTable): void {
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  if (parentPort === null) throw new Error('serveTasks: not in a worker thread');
  parentPort.on('message', (message: TaskMessage) => {
    let reply: ReplyMessage;
    try {
      const task = Object.hasOwn(tasks, message.task) ? tasks[message.task] : undefined;
      if (task === undefined) throw Object.assign(new Error(`no task '${message.task}'`), { code: 'E_WORKER_TASK_UNKNOWN' });
      reply = { id: message.id, ok: true, value: (task as (input: unknown) => unknown)(message.input) };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      const code = (e as { code?: unknown }).code;
      reply = { id: message.id, ok: false, error: { message: e.message, code: typeof code === 'string' ? code : undefined } };
    }
    parentPort.postMessage(reply);
  });
  parentPort.postMessage({ ready: true } satisfies ReplyMessage);
}
