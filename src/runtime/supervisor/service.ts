// What a service declares so the supervisor can run it.
// A service module (`services/<name>/index.ts`) exports one ServiceDefinition.
// Nothing runs at import time: all work happens in start(), which receives
// everything the service needs, including the APIs of its dependencies.
//
// The contract is typed end to end (docs/architecture.md "Services"): a
// definition names the API it offers, the APIs it needs by service name
// (`Deps`) and the schema of its settings; `needs` must list exactly the keys
// of `Deps`, `ctx.deps` and `ctx.config` arrive typed, and the one service
// table (operator/service-table.ts) refuses to compile when a needed service
// is missing or offers another API than the one declared.

import type { Paths } from '../paths.ts';
import type { Logger } from '../log.ts';
import type { ConfigOf, ObjectSchema } from '../config-schema.ts';
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

/** The dependencies of a definition written without types (tests): any API by any name. */
export type UntypedDeps = Readonly<Record<string, unknown>>;

/**
 * Every order of the names in `K`, as tuples: `needs` lists each dependency
 * exactly once, so one declared in `Deps` but forgotten in `needs` (it would
 * arrive undefined) is a compile error, not a crash at start.
 */
type EveryOrder<K, All = K> = [K] extends [never] ? [] : K extends unknown ? [K, ...EveryOrder<Exclude<All, K>>] : never;

/** What `needs` may be for a given `Deps`: any names when untyped, else exactly its keys. */
export type NeedsOf<Deps> = string extends keyof Deps ? readonly string[] : Readonly<EveryOrder<keyof Deps & string>>;

export interface ServiceContext<Deps extends object = UntypedDeps, Config extends object = Record<string, unknown>> {
  paths: Paths;
  /** This service's section of the configuration file, validated against its schema, defaults filled in. */
  config: Config;
  log: Logger;
  /** APIs of the services named in `needs`, by name. */
  deps: Readonly<Deps>;
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

/** A schema for a service that takes no settings. */
export type NoSettings = { type: 'object'; properties: {} };

/**
 * One service. `Api` is what it gives the services that need it; `Deps` the
 * APIs it needs, keyed by the name of the service providing each (declare
 * the narrowest shape it uses, from that service's api.ts); `Schema` the
 * schema of its settings (declared `as const`), from which `ctx.config` is
 * typed. Without type arguments a definition is untyped (tests).
 */
export interface ServiceDefinition<Api = unknown, Deps extends object = UntypedDeps, Schema extends ObjectSchema = ObjectSchema> {
  name: string;
  needs: NeedsOf<Deps>;
  restart?: RestartPolicy;
  /** Schema of `services.<name>` in octant.yaml; without one the section must be empty. */
  configSchema?: Schema;
  start(ctx: ServiceContext<Deps, ConfigOf<Schema>>): Promise<RunningService<Api>>;
}

/**
 * A definition with its types erased: what the table and the supervisor
 * hold. Every typed definition is one (its `start` takes a context whose
 * deps and config are narrower objects); the supervisor builds the context
 * from the graph, and the table (service-table.ts) has checked at compile
 * time that what it builds is what each service declared.
 */
export interface AnyService {
  name: string;
  needs: readonly string[];
  restart?: RestartPolicy;
  configSchema?: ObjectSchema;
  start(ctx: ServiceContext<object, object>): Promise<RunningService>;
}
