// The router engine: resolve the route, decide (policy), reserve budget,
// record the decision in the ledger (durable before the call: log first, act
// second; see ProviderCall.recorded), call through the failover loop with the
// credential injected per call, then settle the budget and record the
// outcome (see finish). What comes back is redacted by the injector's
// redaction (response-redaction.ts) before the caller or the ledger sees it.

import { EXIT, OctantError } from '../../lib/errors.ts';
import type { LedgerApi, LedgerEntry } from '../ledger/api.ts';
import { exactEmbeddingDeployment, resolveRoute } from './config.ts';
import type { ProviderError } from './provider-error.ts';
import { resolveProvider } from './providers/index.ts';
import { Budgets, type Reservation } from './routing/budget.ts';
import { Cooldown, DEFAULT_COOLDOWN, type CooldownOptions } from './routing/cooldown.ts';
import { Ewma } from './routing/ewma.ts';
import { DEFAULT_RETRY, withFailover, type AttemptRecord, type FailoverHooks, type RetryOptions } from './routing/failover.ts';
import { completionCap, costOf, decide, requestExclusion } from './routing/policy.ts';
import { RateLimits } from './routing/ratelimit.ts';
import { checkChatRequest, checkEmbedRequest } from './request-check.ts';
import { sanitizeUsage } from './usage.ts';
import { EventRedactor, redactError, redactResponse } from './response-redaction.ts';
import { truncated } from './outbound.ts';
import { createHttpClient, type HttpClient } from '../../lib/outbound/http-client.ts';
import type { BudgetLimits, Caller, ChatRequest, ChatResponse, CredentialInjector, Decision, Deployment, EmbedOptions, EmbedRequest, EmbedResponse, ModelInfo, ProviderCall, Route, RouterApi, RouterConfig, StreamEvent } from './types.ts';

export interface RouterOptions {
  config: RouterConfig;
  injector: CredentialInjector;
  ledger: LedgerApi;
  retry?: RetryOptions;
  cooldown?: CooldownOptions;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The outbound client provider calls go through. Its owner closes it (the
   * router service, on stop); without one the engine makes its own and
   * closes it in close().
   */
  http?: HttpClient;
}

export interface RouterEngine extends RouterApi {
  readonly budgets: Budgets;
  readonly ewma: Ewma;
  readonly cooldown: Cooldown;
  /** The deployments and routes in force. */
  currentConfig(): RouterConfig;
  /**
   * Put a new configuration in force (the operator's `router add|rm` on a
   * running system). Requests already decided finish on the deployments
   * they were given; budgets, EWMA, cooldowns and rate-limit state carry
   * over by deployment id and route name.
   */
  reconfigure(next: RouterConfig): void;
  /** Abort calls in flight (service stop); close the outbound client if the engine made it. */
  close(): void;
  /** Records the ledger refused since start (each failed its own request): for `octant status`. */
  ledgerRefusals(): LedgerRefusals;
}

export interface LedgerRefusals {
  count: number;
  last?: { at: string; error: string };
}

/** What an outcome record says besides usage and cost. */
interface Outcome {
  attempts?: AttemptRecord[];
  code?: string;
  error?: string;
  streamed?: boolean;
}

/**
 * The decision as a ledger detail. Its members are written in UTF-16 order
 * (as are a candidate's, policy.ts), so the ledger writes the entry with one
 * JSON.stringify instead of the general canonicaliser (entry.ts,
 * isCanonicalOrder; router.test.ts checks every detail the router records).
 */
function decisionDetail(d: Decision, requested: string, matched: string, extra: { reason?: string; reservedTokens?: number; reservedUsd?: number; routeBudgets?: string[] } = {}): Record<string, unknown> {
  return {
    candidates: d.candidates,
    complexity: d.complexity,
    estimatedPromptTokens: d.estimatedPromptTokens,
    matched,
    order: d.order,
    policy: d.policy,
    reason: extra.reason ?? d.reason,
    requested,
    reservedTokens: extra.reservedTokens,
    reservedUsd: extra.reservedUsd,
    route: d.route,
    routeBudgets: extra.routeBudgets,
    winner: d.winner,
  };
}

/** Longest error text kept in an outcome record. */
const MAX_ERROR_CHARS = 2000;

interface Prepared {
  decision: Decision;
  /** The allow entry's durability (see ProviderCall.recorded). */
  recorded: Promise<LedgerEntry>;
  /** The allow entry's seq once it is durable: the outcome record names it. */
  decisionSeq?: number;
  order: Deployment[];
  reservation: Reservation;
  promptTokens: number;
  /** Configured routes whose budgets this call is charged to besides its own (see budgetScopes). */
  routeBudgets?: string[];
}

/** How long the reply waits for the ledger to accept (not flush) an outcome record: one turn of the event loop. */
const accepted = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The budget accounts a call is charged to: the caller's, the route it
 * named, and, when it named no configured route (a deployment id, a
 * provider model name, or the zero-configuration default), every configured
 * route that holds one of the deployments it may reach: naming a
 * deployment directly must not sidestep its route's spend cap.
 */
function budgetScopes(config: RouterConfig, caller: Caller, route: Route, reach: readonly Deployment[]): { scopes: { key: string; limits: BudgetLimits | undefined }[]; routeBudgets?: string[] } {
  const scopes = [{ key: `agent ${caller.agent}`, limits: caller.budget }, { key: `route ${route.name}`, limits: route.budget }];
  if (config.routes.includes(route)) return { scopes };
  const ids = new Set(reach.map((d) => d.id));
  const holders = config.routes.filter((r) => r.deployments.some((id) => ids.has(id)));
  if (holders.length === 0) return { scopes };
  for (const r of holders) scopes.push({ key: `route ${r.name}`, limits: r.budget });
  return { scopes, routeBudgets: holders.map((r) => r.name) };
}

export function createRouter(options: RouterOptions): RouterEngine {
  let config = options.config;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const budgets = new Budgets();
  const ewma = new Ewma();
  const cooldown = new Cooldown(options.cooldown ?? DEFAULT_COOLDOWN);
  const limits = new RateLimits();
  const stopAll = new AbortController();
  const http = options.http ?? createHttpClient();
  let byId = new Map(config.deployments.map((d) => [d.id, d]));
  const ledger = options.ledger;
  const refusals: LedgerRefusals = { count: 0 };

  const redaction = options.injector.redaction;
  /**
   * A ledger append whose refusal fails only the request it belongs to: it
   * is counted (octant status shows the count and the last error) and
   * turned into E_ROUTER_LEDGER; later requests of the same caller are
   * routed as usual. Values the ledger cannot store never reach it (the
   * request is checked first, request-check.ts; usage is sanitized, usage.ts),
   * so a refusal means the ledger itself is failing or the agent's
   * partition was sealed.
   */
  function record(event: Parameters<LedgerApi['append']>[0]): Promise<LedgerEntry> {
    return ledger.append(event).catch((error: unknown) => {
      refusals.count++;
      refusals.last = { at: new Date(now()).toISOString(), error: (error as Error).message };
      throw new OctantError('E_ROUTER_LEDGER', `the ledger refused the ${event.action === 'complete' ? 'outcome' : 'decision'} record of this request (${(error as Error).message}); nothing more is done for it`, { exit: EXIT.unavailable, cause: error });
    });
  }

  /** The outcome record accepted by the ledger within a turn of the event loop, or this request fails (its flush is not awaited). */
  async function settled(outcome: Promise<LedgerEntry>): Promise<void> {
    let refused: unknown;
    outcome.catch((error: unknown) => (refused = error));
    await accepted();
    if (refused !== undefined) throw refused;
  }

  const hooks: FailoverHooks = {
    now,
    sleep,
    failed(dep: Deployment, error: ProviderError, ms: number) {
      ewma.record(dep.id, false, ms);
      // 429/503 cool for their Retry-After; other failures count toward N-in-a-window.
      cooldown.fail(dep.id, now(), error.kind === 'rate_limited' || error.kind === 'overloaded' ? (error.retryAfterMs ?? 0) || undefined : undefined);
    },
    succeeded(dep: Deployment, ms: number) {
      ewma.record(dep.id, true, ms);
      cooldown.success(dep.id);
    },
  };

  function explain(request: ChatRequest): Decision {
    checkChatRequest(request);
    const { route, deployments } = resolveRoute(config, request);
    return decide(route, deployments, request, { cooldown, ewma, limits, now: now() });
  }

  /**
   * Note the decision's seq once it is durable (before any attempt resumes:
   * this handler is the first on the promise), so the outcome can name it.
   * It also keeps a failure with no attempt left to await it from being
   * reported as unhandled; every attempt awaits it (providerRequest).
   */
  function prepared(p: Prepared): Prepared {
    p.recorded.then((entry) => (p.decisionSeq = entry.seq), () => {});
    return p;
  }

  async function prepare(request: ChatRequest, caller: Caller): Promise<Prepared> {
    checkChatRequest(request);
    const { route, deployments, matched } = resolveRoute(config, request);
    const decision = decide(route, deployments, request, { cooldown, ewma, limits, now: now() });
    const event = { agent: caller.agent, lineage: caller.lineage, kind: 'router', action: 'route', target: route.name };
    if (decision.winner === undefined) {
      await record({ ...event, decision: 'deny', detail: decisionDetail(decision, request.model, matched) });
      // No deployment could ever serve it (too long, needs tools...): the
      // request is at fault, a 400 an SDK does not retry; else a 503.
      const why = deployments.map((d) => [d.id, requestExclusion(d, request, decision.estimatedPromptTokens)] as const);
      if (why.length > 0 && why.every(([, w]) => w !== undefined)) {
        throw new OctantError('E_ROUTER_REQUEST', `model '${request.model}': no deployment can serve this request (route ${route.name}): ${why.map(([id, w]) => `${id}: ${w}`).join('; ')}`, {
          exit: EXIT.usage,
          detail: { status: 400, param: why.some(([, w]) => w!.includes('max_tokens')) ? 'max_tokens' : 'messages', candidates: decision.candidates },
        });
      }
      throw new OctantError('E_ROUTER_UNAVAILABLE', `model '${request.model}': ${decision.reason} (route ${route.name})`, {
        exit: EXIT.unavailable,
        hint: deployments.length === 0 ? "add a deployment with 'octant router add'" : "see 'octant router explain'",
        detail: { candidates: decision.candidates },
      });
    }
    const order = decision.order.map((id) => byId.get(id)!);
    const promptTokens = decision.estimatedPromptTokens;
    // The worst case over every deployment the failover may reach.
    const usd = Math.max(...order.map((d) => costOf(d, promptTokens, completionCap(d, request, promptTokens))));
    const tokens = promptTokens + Math.max(...order.map((d) => completionCap(d, request, promptTokens)));
    const { scopes, routeBudgets } = budgetScopes(config, caller, route, order);
    let reservation: Reservation;
    try {
      reservation = budgets.reserve(scopes, usd, tokens, now());
    } catch (error) {
      await record({ ...event, decision: 'deny', detail: decisionDetail(decision, request.model, matched, { reason: (error as Error).message, routeBudgets }) });
      throw error;
    }
    // Queued now (it takes its seq in call order); the call waits for it to
    // be durable just before sending (providerRequest), after the vault has
    // queued its own entry for the credential, so both share one flush.
    const recorded = record({ ...event, decision: 'allow', detail: decisionDetail(decision, request.model, matched, { reservedTokens: tokens, reservedUsd: usd, routeBudgets }) });
    return prepared({ decision, recorded, order, reservation, promptTokens, routeBudgets });
  }

  function callFor(dep: Deployment, p: Prepared, caller: Caller, signal: AbortSignal): ProviderCall {
    const { defaultBaseUrl } = resolveProvider(dep.provider);
    return { baseUrl: dep.baseUrl ?? defaultBaseUrl, model: dep.model, credential: dep.credential, caller, injector: options.injector, recorded: p.recorded, signal, timeoutMs: dep.timeoutMs, http };
  }

  // The outcome record. The decision that allowed the call was durable
  // before the call (log first, act second); this record of what came back
  // is queued in order (it takes its seq now, so it precedes every later
  // decision in the log and is durable before any later call runs), but the
  // reply does not wait for its disk flush: that would add a second flush to
  // every request's latency and protect no action. The caller that returns
  // an answer waits one event-loop turn for the ledger to accept the record
  // (settled): if it is refused, that request fails (E_ROUTER_LEDGER), and
  // only that one.
  function finish(p: Prepared, caller: Caller, dep: Deployment | undefined, response: ChatResponse | undefined, outcome: Outcome): Promise<LedgerEntry> {
    let usage = sanitizeUsage(response?.usage);
    const untrusted = response !== undefined && usage === undefined;
    if (untrusted) {
      // Unusable counts from the provider: charge the reservation, say so.
      usage = { cachedTokens: 0, completionTokens: 0, promptTokens: p.reservation.tokens };
    }
    const code = outcome.code ?? (untrusted ? 'E_ROUTER_USAGE' : undefined);
    const usd = untrusted ? p.reservation.usd : dep !== undefined && usage !== undefined ? costOf(dep, usage.promptTokens, usage.completionTokens) : 0;
    const tokens = usage === undefined ? 0 : usage.promptTokens + usage.completionTokens;
    budgets.settle(p.reservation, usd, tokens, now());
    // A provider's error text is redacted (an upstream may quote the key it
    // got), then bounded, so that the record stays well inside the ledger's
    // entry limit and is never refused for its size, and made well-formed
    // (a lone surrogate has no UTF-8 form: I-JSON).
    const text = outcome.error === undefined ? undefined : redaction.redact(outcome.error);
    const error = (text === undefined || text.length <= MAX_ERROR_CHARS ? text : `${text.slice(0, MAX_ERROR_CHARS)}…`)?.toWellFormed();
    const recorded = record({
      agent: caller.agent,
      lineage: caller.lineage,
      kind: 'router',
      action: 'complete',
      target: dep?.id ?? p.decision.route,
      decision: response === undefined ? 'error' : 'ok',
      // Members in UTF-16 order (see decisionDetail).
      detail: {
        attempts: outcome.attempts,
        code,
        decisionSeq: p.decisionSeq,
        error,
        // The reservation this settles: spend-recovery.ts replays both.
        reservedTokens: p.reservation.tokens,
        reservedUsd: p.reservation.usd,
        route: p.decision.route,
        routeBudgets: p.routeBudgets,
        streamed: outcome.streamed,
        usage,
        usd,
      },
    });
    // Counted by record(); a path that does not wait for it must not leave it unhandled.
    recorded.catch(() => {});
    return recorded;
  }

  async function chat(request: ChatRequest, caller: Caller): Promise<ChatResponse> {
    const p = await prepare(request, caller);
    let outcome: Promise<LedgerEntry>;
    let result: Awaited<ReturnType<typeof withFailover<ChatResponse>>>;
    try {
      result = await withFailover(p.order, async (dep) => {
        limits.record(dep.id, p.promptTokens, now());
        const { response, rateLimit } = await resolveProvider(dep.provider).provider.chat(request, callFor(dep, p, caller, stopAll.signal));
        limits.observe(dep.id, rateLimit, now());
        return response;
      }, hooks, options.retry ?? DEFAULT_RETRY);
      outcome = finish(p, caller, result.deployment, result.value, { attempts: result.attempts });
    } catch (error) {
      redactError(error, redaction);
      finish(p, caller, undefined, undefined, { error: (error as Error).message, code: (error as OctantError).code });
      throw error;
    }
    // Fail closed: no answer the ledger did not take the outcome of.
    await settled(outcome);
    return await redactResponse(result.value, redaction);
  }

  async function* stream(request: ChatRequest, caller: Caller): AsyncIterable<StreamEvent> {
    const p = await prepare(request, caller);
    const abort = new AbortController();
    const onStop = (): void => abort.abort();
    stopAll.signal.addEventListener('abort', onStop, { once: true });
    let dep: Deployment | undefined;
    let final: ChatResponse | undefined;
    let received = 0;
    let failure: unknown;
    let attempts: AttemptRecord[] | undefined;
    let finished = false;
    try {
      // Failover covers everything up to and including the first event: an
      // error before the first token tries the next deployment.
      const started = await withFailover(p.order, async (d) => {
        limits.record(d.id, p.promptTokens, now());
        const s = await resolveProvider(d.provider).provider.stream(request, callFor(d, p, caller, abort.signal));
        limits.observe(d.id, s.rateLimit, now());
        const iterator = s.events[Symbol.asyncIterator]();
        const first = await iterator.next();
        if (first.done) throw truncated(d.provider);
        return { iterator, first: first.value };
      }, hooks, options.retry ?? DEFAULT_RETRY);
      dep = started.deployment;
      attempts = started.attempts;
      // After the first token the error is the caller's to see.
      let next: IteratorResult<StreamEvent> = { done: false, value: started.value.first };
      const redactor = new EventRedactor(redaction);
      while (!next.done) {
        const event = next.value;
        if (event.type === 'text') received += event.delta.length;
        if (event.type === 'tool_call') received += event.argumentsDelta.length;
        if (event.type === 'done') {
          final = event.response;
          // The outcome is taken by the ledger before the caller sees the
          // end of the answer; a refusal ends the stream with an error.
          finished = true;
          await settled(finish(p, caller, dep, final, { attempts, streamed: true }));
        }
        yield* redactor.push(event);
        next = await started.value.iterator.next();
      }
      yield* redactor.end();
    } catch (error) {
      failure = redactError(error, redaction);
      throw error;
    } finally {
      stopAll.signal.removeEventListener('abort', onStop);
      abort.abort();
      if (finished) {
        // recorded above
      } else if (final === undefined && dep !== undefined) {
        // A stream cut after it started was billed for what it sent: settle
        // conservatively at the prompt plus what arrived.
        final = { id: '', model: dep.model, content: '', toolCalls: [], stopReason: 'error', usage: { promptTokens: p.promptTokens, completionTokens: Math.ceil(received / 4), cachedTokens: 0 } };
        finish(p, caller, dep, final, { attempts, streamed: true, error: failure === undefined ? 'client stopped reading' : (failure as Error).message });
      } else {
        finish(p, caller, dep, final, { attempts, streamed: true, ...(failure === undefined ? {} : { error: (failure as Error).message }) });
      }
    }
  }

  async function embed(request: EmbedRequest, caller: Caller, how: EmbedOptions = {}): Promise<EmbedResponse> {
    checkEmbedRequest(request);
    const { route, deployments } = how.exactDeployment === true ? exactEmbeddingDeployment(config, request.model) : resolveRoute(config, request, 'embedding');
    const usable = deployments.filter((d) => resolveProvider(d.provider).provider.embed !== undefined);
    if (usable.length === 0) throw new OctantError('E_ROUTER_UNAVAILABLE', `model '${request.model}': no embedding deployment (route ${route.name})`, { exit: EXIT.unavailable, hint: "add one with 'octant router add ... --kind embedding'" });
    const promptTokens = Math.ceil(request.input.reduce((a, s) => a + s.length, 0) / 4);
    const usd = Math.max(...usable.map((d) => costOf(d, promptTokens, 0)));
    const { scopes, routeBudgets } = budgetScopes(config, caller, route, usable);
    const reservation = budgets.reserve(scopes, usd, promptTokens, now());
    const decision: Decision = { route: route.name, policy: 'ordered', complexity: 'simple', estimatedPromptTokens: promptTokens, candidates: [], order: usable.map((d) => d.id), winner: usable[0].id, reason: 'embedding' };
    const recorded = record({ agent: caller.agent, lineage: caller.lineage, kind: 'router', action: 'embed', target: route.name, decision: 'allow', detail: { inputs: request.input.length, order: decision.order, reservedTokens: promptTokens, reservedUsd: usd, routeBudgets } });
    const p = prepared({ decision, recorded, order: usable, reservation, promptTokens, routeBudgets });
    let outcome: Promise<LedgerEntry>;
    let result: Awaited<ReturnType<typeof withFailover<EmbedResponse>>>;
    try {
      result = await withFailover(usable, (dep) => resolveProvider(dep.provider).provider.embed!(request, callFor(dep, p, caller, stopAll.signal)), hooks, options.retry ?? DEFAULT_RETRY);
      const usage = result.value.usage;
      outcome = finish(p, caller, result.deployment, { id: '', model: result.value.model, content: '', toolCalls: [], stopReason: 'stop', usage }, { attempts: result.attempts });
    } catch (error) {
      redactError(error, redaction);
      finish(p, caller, undefined, undefined, { error: (error as Error).message });
      throw error;
    }
    await settled(outcome);
    return { ...result.value, model: redaction.redact(result.value.model) };
  }

  function models(): ModelInfo[] {
    const routes = config.routes.map((r): ModelInfo => ({ id: r.name, kind: 'route', owner: 'octant' }));
    const deps = config.deployments.map((d): ModelInfo => ({ id: d.id, kind: 'deployment', owner: d.provider }));
    return [...(config.routes.some((r) => r.name === 'default') ? [] : [{ id: 'auto', kind: 'route' as const, owner: 'octant' }]), ...routes, ...deps];
  }

  function reconfigure(next: RouterConfig): void {
    config = next;
    byId = new Map(next.deployments.map((d) => [d.id, d]));
  }

  return { chat, stream, embed, explain, models, budgets, ewma, cooldown, currentConfig: () => config, reconfigure, close: () => {
    stopAll.abort();
    if (options.http === undefined) http.close();
  }, ledgerRefusals: () => ({ ...refusals }) };
}
