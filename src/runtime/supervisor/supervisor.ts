// The supervisor: runs the service graph.
//
// - The graph is checked whole before anything starts (graph.ts).
// - A service starts as soon as every service it needs is healthy, so
//   independent services start concurrently; after start() it is polled with
//   health() until it reports ok (or readyTimeoutMs passes).
// - A failure (start throws, RunningService.failed settles, the health check
//   fails twice in a row) stops everything that needs the service, in reverse
//   order, then restarts it after an exponential backoff (backoff.ts); its
//   dependents come back when it is healthy again, so nobody keeps a stale API.
//   After maxRestarts consecutive failures it gives up: state 'failed', reason
//   kept. The count resets when the service passes a periodic health check.
//   Each stop says why (StopReason), and an instance stopped for a restart
//   may leave a value for the next one (Keepsake), so a failure elsewhere
//   does not undo what the operator did (the vault stays unsealed across a
//   ledger restart unless configured otherwise).
// - stop() stops each service only after everything that needs it stopped.
// Every state change goes through the table in state-machine.ts.

import { OctantError, messageOf } from '../../lib/errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Paths } from '../paths.ts';
import { monotonicMs } from '../clock.ts';
import type { SupervisorSettings } from '../config.ts';
import type { AdminRoutes } from '../admin/types.ts';
import { DEFAULT_RESTART, type AnyService, type Health, type Keepsake, type RunningService, type StopReason } from './service.ts';
import { resolveGraph, transitiveDependents, type ServiceGraph } from './graph.ts';
import { transition, isRunning, type ServiceEvent, type ServiceState } from './state-machine.ts';
import { backoffDelay, shouldGiveUp } from './backoff.ts';

export interface Transition {
  service: string;
  from: ServiceState;
  event: ServiceEvent;
  to: ServiceState;
  /** ms since the supervisor started. */
  atMs: number;
  reason?: string;
  /** Backoff before the next attempt, for 'fail'. */
  delayMs?: number;
}

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  needs: readonly string[];
  /** ms from supervisor start until the service first became healthy; null if never. */
  readyMs: number | null;
  restarts: number;
  /** Consecutive failures (reset by a passed periodic health check). */
  failures: number;
  /** Why the service last failed, if it did. */
  reason: string | null;
  /** When it last failed (ISO 8601), if it did. */
  lastFailureAt: string | null;
  health: Health | null;
}

export interface SupervisorOptions {
  services: readonly AnyService[];
  paths: Paths;
  log?: Logger;
  /** Validated section per service (config.ts); {} when absent. */
  config?: Readonly<Record<string, Record<string, unknown>>>;
  settings?: Partial<SupervisorSettings>;
  onTransition?: (t: Transition) => void;
  onReady?: (name: string, ms: number) => void;
}

export interface Supervisor {
  /** Dependency order (what start follows; stop goes the other way). */
  readonly order: readonly string[];
  /** Start the graph; resolves when every service is healthy, rejects with
   *  E_SERVICE_FAILED when one gives up, or E_SERVICE_STOPPED if stop() came first. */
  start(): Promise<void>;
  stop(reason?: string): Promise<void>;
  state(name: string): ServiceState;
  status(): Promise<ServiceStatus[]>;
  /** Admin routes of running services, by service name. */
  routes(): Map<string, AdminRoutes>;
}

interface Slot {
  def: AnyService;
  state: ServiceState;
  instance: RunningService | null;
  abort: AbortController | null;
  /** Bumped on every start attempt and failure: late news of an old attempt is ignored. */
  generation: number;
  failures: number;
  restarts: number;
  reason: string | null;
  lastFailureAt: string | null;
  readyMs: number | null;
  timer: NodeJS.Timeout | null;
  /** What the last instance left for the next (Keepsake). */
  kept: { value: unknown; discard: () => void } | null;
  /** The running start attempt (start + readiness wait). */
  run: Promise<void> | null;
  /** Cleanup after a failure (dependents stopped, old instance stopped). */
  cleanup: Promise<void> | null;
  stopping: Promise<void> | null;
  checking: boolean;
}

const HEALTH_TIMEOUT_MS = 2_000;
const READY_POLL_MS = 20;

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => { timer = setTimeout(() => resolve(onTimeout()), ms); });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A health() that throws, rejects or hangs counts as unhealthy, with the reason. */
function checkHealth(instance: RunningService): Promise<Health> {
  const work = (async (): Promise<Health> => {
    try {
      return await instance.health();
    } catch (error) {
      return { ok: false, detail: `health check threw: ${messageOf(error)}` };
    }
  })();
  return withTimeout(work, HEALTH_TIMEOUT_MS, () => ({ ok: false, detail: `health check did not answer within ${HEALTH_TIMEOUT_MS} ms` }));
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  // Throws E_SERVICE_CYCLE / E_SERVICE_MISSING_DEP here, before anything starts.
  const graph: ServiceGraph = resolveGraph(options.services);
  const log = options.log ?? silentLogger;
  const healthIntervalMs = options.settings?.healthIntervalMs ?? 5_000;
  const readyTimeoutMs = options.settings?.readyTimeoutMs ?? 10_000;
  const slots = new Map<string, Slot>();
  for (const def of options.services) {
    slots.set(def.name, {
      def, state: 'pending', instance: null, abort: null, generation: 0, failures: 0, restarts: 0,
      reason: null, lastFailureAt: null, readyMs: null, timer: null, kept: null, run: null, cleanup: null, stopping: null, checking: false,
    });
  }
  let origin = monotonicMs();
  let shuttingDown = false;
  let healthTimer: NodeJS.Timeout | null = null;
  let boot: { resolve: () => void; reject: (e: Error) => void; settled: boolean } | null = null;
  const since = (): number => Math.round((monotonicMs() - origin) * 10) / 10;

  function move(slot: Slot, event: ServiceEvent, extra: Partial<Transition> = {}): void {
    const from = slot.state;
    slot.state = transition(slot.def.name, from, event);
    const record: Transition = { service: slot.def.name, from, event, to: slot.state, atMs: since(), ...extra };
    log.info('service transition', { ...record });
    options.onTransition?.(record);
  }

  function keepsakeOf(slot: Slot): Keepsake {
    return {
      put(value, discard) {
        discardKept(slot);
        slot.kept = { value, discard };
      },
      take() {
        const kept = slot.kept;
        slot.kept = null;
        return kept?.value;
      },
    };
  }

  function discardKept(slot: Slot): void {
    const kept = slot.kept;
    slot.kept = null;
    try {
      kept?.discard();
    } catch (error) {
      log.error('discarding a kept value failed', { service: slot.def.name, error: messageOf(error) });
    }
  }

  function settleBoot(error?: Error): void {
    if (boot === null || boot.settled) return;
    boot.settled = true;
    if (error === undefined) boot.resolve();
    else boot.reject(error);
  }

  function schedule(): void {
    if (shuttingDown) return;
    for (const name of graph.order) {
      const slot = slots.get(name)!;
      if (slot.state !== 'pending' && slot.state !== 'stopped') continue;
      if (graph.needs.get(name)!.every((need) => slots.get(need)!.state === 'healthy')) launch(slot, 'start');
    }
    if ([...slots.values()].every((s) => s.state === 'healthy')) settleBoot();
  }

  function launch(slot: Slot, event: 'start' | 'retry'): void {
    move(slot, event);
    const generation = ++slot.generation;
    const abort = new AbortController();
    slot.abort = abort;
    const current = (): boolean => slot.generation === generation && slot.state === 'starting';
    slot.run = (async () => {
      const deps: Record<string, unknown> = {};
      for (const need of graph.needs.get(slot.def.name)!) deps[need] = slots.get(need)!.instance!.api;
      let instance: RunningService;
      try {
        instance = await slot.def.start({
          paths: options.paths, config: options.config?.[slot.def.name] ?? {}, log: log.child(slot.def.name), deps, signal: abort.signal, keep: keepsakeOf(slot),
        });
      } catch (error) {
        if (current()) fail(slot, error);
        return;
      }
      // Even when a stop arrived meanwhile, keep the instance so stop() can stop it.
      if (slot.generation === generation) slot.instance = instance;
      else await instance.stop('failed').catch((error: unknown) => log.error('stop after a superseded start failed', { service: slot.def.name, error: messageOf(error) }));
      if (!current()) return;
      const watch = (error: unknown): void => { if (slot.instance === instance && slot.generation === generation) fail(slot, error); };
      instance.failed?.then(watch, watch);
      const deadline = monotonicMs() + readyTimeoutMs;
      let health = await checkHealth(instance);
      while (!health.ok && current() && monotonicMs() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
        if (current()) health = await checkHealth(instance);
      }
      if (!current()) return;
      if (!health.ok) {
        fail(slot, new Error(`not healthy within ${readyTimeoutMs} ms${health.detail ? `: ${health.detail}` : ''}`));
        return;
      }
      move(slot, 'ready');
      if (slot.readyMs === null) {
        slot.readyMs = since();
        options.onReady?.(slot.def.name, slot.readyMs);
      }
      schedule();
    })();
  }

  function fail(slot: Slot, error: unknown): void {
    const reason = messageOf(error);
    if (shuttingDown || !(slot.state === 'starting' || isRunning(slot.state))) {
      log.warn('service failed while stopping', { service: slot.def.name, reason });
      return;
    }
    const policy = slot.def.restart ?? DEFAULT_RESTART;
    slot.failures += 1;
    slot.reason = reason;
    slot.lastFailureAt = new Date().toISOString();
    slot.generation += 1;
    slot.abort?.abort();
    const instance = slot.instance;
    slot.instance = null;
    const giveUp = shouldGiveUp(policy, slot.failures);
    const delayMs = backoffDelay(policy, slot.failures);
    if (giveUp) move(slot, 'give-up', { reason });
    else move(slot, 'fail', { reason, delayMs });
    slot.cleanup = (async () => {
      // Dependents that never started stay pending; running ones stop (reverse order).
      const dependents = transitiveDependents(graph, slot.def.name);
      await stopSet(dependents.filter((name) => slots.get(name)!.state !== 'pending'), 'dependency-failed');
      if (instance !== null) await stopInstance(slot, instance, 'failed');
      if (giveUp) {
        // Nothing waits for this service any more: what its dependents kept for their next start goes.
        for (const name of [slot.def.name, ...dependents]) discardKept(slots.get(name)!);
        log.error('service gave up', { service: slot.def.name, failures: slot.failures, reason });
        settleBoot(new OctantError('E_SERVICE_FAILED', `service ${slot.def.name} failed ${slot.failures} time(s) and was given up: ${reason}`, {
          detail: { service: slot.def.name, reason },
        }));
        return;
      }
      if (slot.state !== 'backoff' || shuttingDown) return;
      slot.timer = setTimeout(() => {
        slot.timer = null;
        if (slot.state !== 'backoff' || shuttingDown) return;
        slot.restarts += 1;
        launch(slot, 'retry');
      }, delayMs);
    })();
  }

  async function stopInstance(slot: Slot, instance: RunningService, reason: StopReason): Promise<void> {
    try {
      await instance.stop(reason);
    } catch (error) {
      // The service is going away either way; its stop error is kept as the reason.
      slot.reason = `stop failed: ${messageOf(error)}`;
      log.error('service stop failed', { service: slot.def.name, error: messageOf(error) });
    }
  }

  function stopOne(slot: Slot, reason: StopReason): Promise<void> {
    switch (slot.state) {
      case 'pending':
      case 'backoff':
        if (slot.timer !== null) clearTimeout(slot.timer);
        slot.timer = null;
        move(slot, 'stop');
        return slot.cleanup ?? Promise.resolve();
      case 'starting':
      case 'healthy':
      case 'unhealthy':
        move(slot, 'stop');
        slot.abort?.abort();
        slot.stopping = (async () => {
          await slot.run;
          const instance = slot.instance;
          slot.instance = null;
          if (instance !== null) await stopInstance(slot, instance, reason);
          move(slot, 'stopped');
        })();
        return slot.stopping;
      case 'stopping':
        return slot.stopping!;
      case 'stopped':
      case 'failed':
        return slot.cleanup ?? Promise.resolve();
    }
  }

  /** Stop `names`, each only after those of its dependents in the set have stopped. */
  function stopSet(names: readonly string[], reason: StopReason): Promise<void> {
    const set = new Set(names);
    const done = new Map<string, Promise<void>>();
    const stopAfterDependents = (name: string): Promise<void> => {
      let promise = done.get(name);
      if (promise === undefined) {
        const waitFor = graph.dependents.get(name)!.filter((d) => set.has(d)).map(stopAfterDependents);
        promise = Promise.all(waitFor).then(() => stopOne(slots.get(name)!, reason));
        done.set(name, promise);
      }
      return promise;
    };
    return Promise.all(names.map(stopAfterDependents)).then(() => undefined);
  }

  async function checkAll(): Promise<void> {
    for (const slot of slots.values()) {
      const instance = slot.instance;
      if (!isRunning(slot.state) || instance === null || slot.checking) continue;
      slot.checking = true;
      void checkHealth(instance).then((health) => {
        slot.checking = false;
        if (slot.instance !== instance || shuttingDown) return;
        if (health.ok) {
          slot.failures = 0; // survived a full interval: the failure streak is over
          if (slot.state === 'unhealthy') move(slot, 'recover');
        } else if (slot.state === 'healthy') {
          move(slot, 'sick', { reason: health.detail });
        } else if (slot.state === 'unhealthy') {
          fail(slot, new Error(`health check failed${health.detail ? `: ${health.detail}` : ''}`));
        }
      });
    }
  }

  return {
    order: graph.order,
    start() {
      if (boot !== null) throw new OctantError('E_SERVICE_TRANSITION', 'the supervisor was already started');
      origin = monotonicMs();
      const ready = new Promise<void>((resolve, reject) => { boot = { resolve, reject, settled: false }; });
      healthTimer = setInterval(() => void checkAll(), healthIntervalMs);
      healthTimer.unref();
      schedule();
      return ready;
    },
    async stop(reason = 'stop requested') {
      if (!shuttingDown) {
        shuttingDown = true;
        log.info('supervisor stopping', { reason });
        if (healthTimer !== null) clearInterval(healthTimer);
        settleBoot(new OctantError('E_SERVICE_STOPPED', `the system was stopped before it was ready (${reason})`));
      }
      await stopSet([...graph.order], 'shutdown');
      for (const slot of slots.values()) discardKept(slot);
    },
    state(name) {
      const slot = slots.get(name);
      if (slot === undefined) throw new OctantError('E_SERVICE_UNKNOWN', `no service named ${name}`);
      return slot.state;
    },
    async status() {
      return Promise.all(graph.order.map(async (name): Promise<ServiceStatus> => {
        const slot = slots.get(name)!;
        const health = isRunning(slot.state) && slot.instance !== null ? await checkHealth(slot.instance) : null;
        return {
          name, state: slot.state, needs: graph.needs.get(name)!, readyMs: slot.readyMs,
          restarts: slot.restarts, failures: slot.failures, reason: slot.reason, lastFailureAt: slot.lastFailureAt, health,
        };
      }));
    },
    routes() {
      const out = new Map<string, AdminRoutes>();
      for (const [name, slot] of slots) if (isRunning(slot.state) && slot.instance?.routes !== undefined) out.set(name, slot.instance.routes);
      return out;
    },
  };
}
