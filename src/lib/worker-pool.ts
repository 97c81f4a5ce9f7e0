// A bounded pool of worker threads for CPU-heavy work, so the event loop
// that serves agents only parses, checks and dispatches (docs/architecture.md
// "Heavy work"). Its owner (a service) creates it in start() and closes it
// in stop(); nothing runs at import time.
//
// - Bounded: at most `threads` tasks run and `queueLimit` wait; one more is
//   refused at once with E_WORKERS_BUSY (backpressure the caller turns into
//   a clear error), never queued without limit.
// - Crash-safe: a worker that dies (an exception outside a task, an abort,
//   running out of memory) fails only the task it ran (E_WORKER_CRASHED) and
//   is replaced; a worker that cannot even start fails what waits
//   (E_WORKER_START) instead of being restarted in a loop.
// - Idle workers are unref'd: they never keep a process (a CLI) alive.
//
// Where the worker's code comes from (workerSource): in the built executable,
// from the code the build embedded (scripts/build.ts bundles each worker
// entry with esbuild, into globalThis.__OCTANT_WORKERS__); from the sources,
// the entry's .ts file. In dist/octant a worker's isolate starts from the
// startup snapshot with a bare context, where loading node:crypto or
// anything on node:net aborts the process (services/ledger/hash-workers.ts
// explains why): a worker entry imports neither.

import { Worker } from 'node:worker_threads';
import { EXIT, OctantError } from './errors.ts';

declare global {
  // Set by scripts/build.ts: worker name -> bundled worker code (a script).
  var __OCTANT_WORKERS__: Record<string, string> | undefined;
}

export type WorkerSource = { code: string } | { url: URL };

/** The worker `name`'s code: embedded by the build, else the entry file `entry()` (only called from the sources). */
export function workerSource(name: string, entry: () => URL): WorkerSource {
  const embedded = globalThis.__OCTANT_WORKERS__?.[name];
  return embedded !== undefined ? { code: embedded } : { url: entry() };
}

export interface WorkerPoolOptions {
  /** Names the pool in errors. */
  name: string;
  source: WorkerSource;
  /** Worker threads at most (started on demand). */
  threads: number;
  /** Tasks that may wait for a thread; one more is refused (E_WORKERS_BUSY). */
  queueLimit: number;
}

export interface WorkerPoolStats {
  threads: number;
  busy: number;
  queued: number;
  /** Workers replaced after a crash since start. */
  restarts: number;
  /** Tasks finished (successfully or not) since start. */
  done: number;
}

export interface WorkerPool {
  /** Run `task` on `input` in a worker (structured clone both ways). */
  run<T>(task: string, input: unknown): Promise<T>;
  stats(): WorkerPoolStats;
  /** Fail what waits, stop every worker. */
  close(): Promise<void>;
}

/** The messages between the pool and a worker (worker-tasks.ts is the other side). */
export interface TaskMessage {
  id: number;
  task: string;
  input: unknown;
}

export type ReplyMessage =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { message: string; code?: string } }
  /** Sent once, when the worker's code has loaded and serves tasks. */
  | { ready: true };

interface Job {
  id: number;
  task: string;
  input: unknown;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  /** Said it is ready: its code loaded, so a later death is a crash, not a start failure. */
  ready: boolean;
}

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { name } = options;
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let restarts = 0;
  let done = 0;
  let closed = false;
  /** Workers that died before answering anything, in a row: the code cannot start. */
  let failedStarts = 0;

  const error = (code: string, message: string, cause?: unknown): OctantError =>
    new OctantError(code, `${name} workers: ${message}`, { exit: EXIT.unavailable, cause });

  function spawn(): Slot {
    const { source } = options;
    const worker = 'code' in source ? new Worker(source.code, { eval: true }) : new Worker(source.url);
    const slot: Slot = { worker, job: undefined, ready: false };
    worker.on('message', (reply: ReplyMessage) => onReply(slot, reply));
    worker.on('error', (cause) => onExit(slot, cause));
    worker.on('exit', (code) => onExit(slot, new Error(`exited with code ${code}`)));
    slots.add(slot);
    return slot;
  }

  function onReply(slot: Slot, reply: ReplyMessage): void {
    if ('ready' in reply) {
      slot.ready = true;
      failedStarts = 0;
      return;
    }
    const job = slot.job;
    if (job === undefined || reply.id !== job.id) return;
    slot.job = undefined;
    done++;
    if (reply.ok) job.resolve(reply.value);
    else job.reject(new OctantError(reply.error.code ?? 'E_WORKER_TASK', `${name} workers: ${job.task}: ${reply.error.message}`));
    dispatch();
  }

  // 'error' then 'exit' both arrive for one death: the first one counts.
  function onExit(slot: Slot, cause: unknown): void {
    if (!slots.delete(slot)) return;
    const job = slot.job;
    slot.job = undefined;
    if (closed) {
      job?.reject(error('E_WORKERS_CLOSED', 'closed'));
      return;
    }
    if (!slot.ready) {
      // It died before its code loaded: not the task's fault, so the task
      // waits for the next worker; after three such deaths in a row the code
      // cannot start at all: fail what waits rather than loop.
      if (job !== undefined) queue.unshift(job);
      if (++failedStarts >= 3) {
        failedStarts = 0;
        const failure = error('E_WORKER_START', `a worker could not start (${String(cause)})`, cause);
        for (const waiting of queue.splice(0)) waiting.reject(failure);
        return;
      }
      dispatch();
      return;
    }
    if (job !== undefined) {
      done++;
      job.reject(error('E_WORKER_CRASHED', `the worker running '${job.task}' died (${String(cause)}); it is replaced`, cause));
    }
    restarts++;
    dispatch();
  }

  function dispatch(): void {
    while (queue.length > 0) {
      let free: Slot | undefined;
      for (const slot of slots) if (slot.job === undefined) { free = slot; break; }
      if (free === undefined && slots.size < options.threads) free = spawn();
      if (free === undefined) break;
      const job = queue.shift()!;
      free.job = job;
      free.worker.ref();
      free.worker.postMessage({ id: job.id, task: job.task, input: job.input } satisfies TaskMessage);
    }
    for (const slot of slots) if (slot.job === undefined) slot.worker.unref();
  }

  return {
    run<T>(task: string, input: unknown): Promise<T> {
      if (closed) return Promise.reject(error('E_WORKERS_CLOSED', 'closed'));
      const busy = [...slots].filter((s) => s.job !== undefined).length;
      if (busy >= options.threads && queue.length >= options.queueLimit) {
        return Promise.reject(new OctantError('E_WORKERS_BUSY', `${name} workers: ${options.threads} running and ${queue.length} waiting; try again later`, {
          exit: EXIT.unavailable,
          hint: 'the work is refused rather than queued without limit',
          // Over HTTP: 503, try again later (RFC 9110 §15.6.4).
          detail: { status: 503 },
        }));
      }
      return new Promise<T>((resolve, reject) => {
        queue.push({ id: nextId++, task, input, resolve: (v) => resolve(v as T), reject });
        dispatch();
      });
    },
    stats: () => ({ threads: slots.size, busy: [...slots].filter((s) => s.job !== undefined).length, queued: queue.length, restarts, done }),
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(error('E_WORKERS_CLOSED', 'closed'));
      await Promise.all([...slots].map((slot) => slot.worker.terminate()));
    },
  };
}
