// What a service declares so the supervisor can run it.
// A service module (`services/<name>/index.ts`) exports one ServiceDefinition.
// Nothing runs at import time: all work happens in start(), which receives
// everything the service needs, including the APIs of its dependencies.

import type { Paths } from '../paths.ts';
import type { Logger } from '../log.ts';
import type { ObjectSchema } from '../config-schema.ts';
import type { AdminRoutes } from '../admin/types.ts';

export interface RestartPolicy {
  /** 'never' gives up at the first failure; 'on-failure' restarts with backoff. */
  mode: 'never' | 'on-failure';
  /** Minimum delay before a restart (ms); doubles on each consecutive failure. */
  minDelayMs: number;
  /** Cap on the delay (ms). */
  maxDelayMs: number;
  /** Consecutive failures after which the supervisor gives up and reports. */
  maxRestarts: number;
}

export const DEFAULT_RESTART: RestartPolicy = { mode: 'on-failure', minDelayMs: 100, maxDelayMs: 5_000, maxRestarts: 5 };

export interface Health {
  ok: boolean;
  /** One line for `octant status`; never a secret. */
  detail?: string;
}

/**
 * Why the supervisor stops an instance: the system shuts down; the service
 * itself failed (it is restarted after a backoff); or a service it needs
 * failed (it is stopped so it keeps no stale API, and started again once
 * that one is healthy).
 */
export type StopReason = 'shutdown' | 'failed' | 'dependency-failed';

/**
 * What an instance hands to the next instance of the same service across a
 * supervised restart (the vault's unsealed key across a ledger restart).
 * The supervisor holds at most one value per service and calls its
 * `discard` when no next instance will take it: the system stops, or a
 * service it needs is given up.
 */
export interface Keepsake {
  put(value: unknown, discard: () => void): void;
  /** The value the previous instance put, once; undefined when there is none. */
  take(): unknown;
}

export interface ServiceContext {
  paths: Paths;
  /** This service's section of the configuration file (already validated). */
  config: Record<string, unknown>;
  log: Logger;
  /** APIs of the services named in `needs`, by name. */
  deps: Readonly<Record<string, unknown>>;
  /** Aborted when the supervisor stops the service. */
  signal: AbortSignal;
  /** Given by the supervisor; absent when a service is started on its own (tests, one-shot commands). */
  keep?: Keepsake;
}

export interface RunningService<Api = unknown> {
  api: Api;
  health(): Promise<Health> | Health;
  stop(reason?: StopReason): Promise<void>;
  /** Settles with an error if the service fails after start (for restarts). */
  failed?: Promise<Error>;
  /** Admin API routes, declared as data (lib/http/route.ts), mounted under /v1/<service name>/. */
  routes?: AdminRoutes;
}

export interface ServiceDefinition<Api = unknown> {
  name: string;
  needs: readonly string[];
  restart?: RestartPolicy;
  /** Schema of `services.<name>` in octant.yaml; without one the section must be empty. */
  configSchema?: ObjectSchema;
  start(ctx: ServiceContext): Promise<RunningService<Api>>;
}
