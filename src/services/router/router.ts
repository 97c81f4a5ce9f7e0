// The router engine: resolve the route, decide (policy), reserve budget,
// record the decision in the ledger (durable before the call: log first, act
// second; see ProviderCall.recorded), call through the failover loop with the
// credential injected per call, then settle the budget and record the
// outcome (see finish). What comes back is redacted by the injector's
// redaction (response-redaction.ts) before the caller or the ledger sees it.

import { EXIT, OctantError } from '../../lib/errors.ts';
import type { LedgerApi, LedgerEntry } from '../ledger/types.ts';
import { resolveRoute } from './config.ts';
import type { ProviderError } from './provider-error.ts';
import { resolveProvider } from './providers/index.ts';
import { Budgets, type Reservation } from './routing/budget.ts';
import { Cooldown, DEFAULT_COOLDOWN, type CooldownOptions } from './routing/cooldown.ts';
import { Ewma } from './routing/ewma.ts';
import { DEFAULT_RETRY, withFailover, type AttemptRecord, type FailoverHooks, type RetryOptions } from './routing/failover.ts';
import { completionCap, costOf, decide } from './routing/policy.ts';
import { RateLimits } from './routing/ratelimit.ts';
import { EventRedactor, redactError, redactResponse } from './response-redaction.ts';
import { truncated } from './transport/stream-lines.ts';
import type { Caller, ChatRequest, ChatResponse, CredentialInjector, Decision, Deployment, EmbedRequest, EmbedResponse, ModelInfo, ProviderCall, RouterApi, RouterConfig, StreamEvent } from './types.ts';

export interface RouterOptions {
  config: RouterConfig;
  injector: CredentialInjector;
  ledger: LedgerApi;
  retry?: RetryOptions;
  cooldown?: CooldownOptions;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
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
  /** Abort calls in flight (service stop). */
  close(): void;
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
function decisionDetail(d: Decision, requested: string, matched: string, extra: { reason?: string; reservedTokens?: number; reservedUsd?: number } = {}): Record<string, unknown> {
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
  let byId = new Map(config.deployments.map((d) => [d.id, d]));
  const ledger = options.ledger;
  const redaction = options.injector.redaction;
  /**
   * Agents whose outcome record the ledger refused, with why: their later
   * requests are refused (until a restart). Scoped to the agent: one
   * agent's refusal (its partition sealed as it was being stopped) must not
   * stop everyone's routing; a ledger that cannot write at all refuses
   * every decision anyway, so every caller is then refused by that.
   */
  const lostOutcomes = new Map<string, Error>();

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
    const { route, deployments } = resolveRoute(config, request);
    return decide(route, deployments, request, { cooldown, ewma, limits, now: now() });
  }

  /** Refuse an agent's requests once one of its outcome records was lost (see finish). */
  function failClosedAfterLostRecord(caller: Caller): void {
    const lost = lostOutcomes.get(caller.agent);
    if (lost === undefined) return;
    throw new OctantError('E_ROUTER_LEDGER', `the ledger refused the outcome record of an earlier call of agent ${caller.agent} (${lost.message}); the router routes nothing more for it until it restarts`, { exit: EXIT.unavailable });
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
    failClosedAfterLostRecord(caller);
    const { route, deployments, matched } = resolveRoute(config, request);
    const decision = decide(route, deployments, request, { cooldown, ewma, limits, now: now() });
    const event = { agent: caller.agent, lineage: caller.lineage, kind: 'router', action: 'route', target: route.name };
    if (decision.winner === undefined) {
      await ledger.append({ ...event, decision: 'deny', detail: decisionDetail(decision, request.model, matched) });
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
    let reservation: Reservation;
    try {
      reservation = budgets.reserve([{ key: `agent ${caller.agent}`, limits: caller.budget }, { key: `route ${route.name}`, limits: route.budget }], usd, tokens, now());
    } catch (error) {
      await ledger.append({ ...event, decision: 'deny', detail: decisionDetail(decision, request.model, matched, { reason: (error as Error).message }) });
      throw error;
    }
    // Queued now (it takes its seq in call order); the call waits for it to
    // be durable just before sending (providerRequest), after the vault has
    // queued its own entry for the credential, so both share one flush.
    const recorded = ledger.append({ ...event, decision: 'allow', detail: decisionDetail(decision, request.model, matched, { reservedTokens: tokens, reservedUsd: usd }) });
    return prepared({ decision, recorded, order, reservation, promptTokens });
  }

  function callFor(dep: Deployment, p: Prepared, caller: Caller, signal: AbortSignal): ProviderCall {
    const { defaultBaseUrl } = resolveProvider(dep.provider);
    return { baseUrl: dep.baseUrl ?? defaultBaseUrl, model: dep.model, credential: dep.credential, caller, injector: options.injector, recorded: p.recorded, signal, timeoutMs: dep.timeoutMs };
  }

  // The outcome record. The decision that allowed the call was durable
  // before the call (log first, act second); this record of what came back
  // is queued in order (it takes its seq now, so it precedes every later
  // decision in the log and is durable before any later call runs), but the
  // reply does not wait for its disk flush: that would add a second flush to
  // every request's latency and protect no action. If the ledger refuses it,
  // the router fails closed for that agent: its later requests are refused.
  function finish(p: Prepared, caller: Caller, dep: Deployment | undefined, response: ChatResponse | undefined, outcome: Outcome): void {
    const usd = dep !== undefined && response !== undefined ? costOf(dep, response.usage.promptTokens, response.usage.completionTokens) : 0;
    const tokens = response === undefined ? 0 : response.usage.promptTokens + response.usage.completionTokens;
    budgets.settle(p.reservation, usd, tokens, now());
    // A provider's error text is redacted (an upstream may quote the key it
    // got), then bounded, so that the record stays well inside the ledger's
    // entry limit and is never refused for its size.
    const text = outcome.error === undefined ? undefined : redaction.redact(outcome.error);
    const error = text === undefined || text.length <= MAX_ERROR_CHARS ? text : `${text.slice(0, MAX_ERROR_CHARS)}…`;
    const usage = response?.usage;
    const recorded = ledger.append({
      agent: caller.agent,
      lineage: caller.lineage,
      kind: 'router',
      action: 'complete',
      target: dep?.id ?? p.decision.route,
      decision: response === undefined ? 'error' : 'ok',
      // Members in UTF-16 order (see decisionDetail).
      detail: {
        attempts: outcome.attempts,
        code: outcome.code,
        decisionSeq: p.decisionSeq,
        error,
        // The reservation this settles: spend-recovery.ts replays both.
        reservedTokens: p.reservation.tokens,
        reservedUsd: p.reservation.usd,
        route: p.decision.route,
        streamed: outcome.streamed,
        usage: usage === undefined ? undefined : { cachedTokens: usage.cachedTokens, completionTokens: usage.completionTokens, promptTokens: usage.promptTokens },
        usd,
      },
    });
    recorded.catch((error: unknown) => {
      if (!lostOutcomes.has(caller.agent)) lostOutcomes.set(caller.agent, error as Error);
    });
  }

  async function chat(request: ChatRequest, caller: Caller): Promise<ChatResponse> {
    const p = await prepare(request, caller);
    try {
      const result = await withFailover(p.order, async (dep) => {
        limits.record(dep.id, p.promptTokens, now());
        const { response, rateLimit } = await resolveProvider(dep.provider).provider.chat(request, callFor(dep, p, caller, stopAll.signal));
        limits.observe(dep.id, rateLimit, now());
        return response;
      }, hooks, options.retry ?? DEFAULT_RETRY);
      finish(p, caller, result.deployment, result.value, { attempts: result.attempts });
      return await redactResponse(result.value, redaction);
    } catch (error) {
      redactError(error, redaction);
      finish(p, caller, undefined, undefined, { error: (error as Error).message, code: (error as OctantError).code });
      throw error;
    }
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
        if (event.type === 'done') final = event.response;
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
      if (final === undefined && dep !== undefined) {
        // A stream cut after it started was billed for what it sent: settle
        // conservatively at the prompt plus what arrived.
        final = { id: '', model: dep.model, content: '', toolCalls: [], stopReason: 'error', usage: { promptTokens: p.promptTokens, completionTokens: Math.ceil(received / 4), cachedTokens: 0 } };
        finish(p, caller, dep, final, { attempts, streamed: true, error: failure === undefined ? 'client stopped reading' : (failure as Error).message });
      } else {
        finish(p, caller, dep, final, { attempts, streamed: true, ...(failure === undefined ? {} : { error: (failure as Error).message }) });
      }
    }
  }

  async function embed(request: EmbedRequest, caller: Caller): Promise<EmbedResponse> {
    failClosedAfterLostRecord(caller);
    const { route, deployments } = resolveRoute(config, request, 'embedding');
    const usable = deployments.filter((d) => resolveProvider(d.provider).provider.embed !== undefined);
    if (usable.length === 0) throw new OctantError('E_ROUTER_UNAVAILABLE', `model '${request.model}': no embedding deployment (route ${route.name})`, { exit: EXIT.unavailable, hint: "add one with 'octant router add ... --kind embedding'" });
    const promptTokens = Math.ceil(request.input.reduce((a, s) => a + s.length, 0) / 4);
    const usd = Math.max(...usable.map((d) => costOf(d, promptTokens, 0)));
    const reservation = budgets.reserve([{ key: `agent ${caller.agent}`, limits: caller.budget }, { key: `route ${route.name}`, limits: route.budget }], usd, promptTokens, now());
    const decision: Decision = { route: route.name, policy: 'ordered', complexity: 'simple', estimatedPromptTokens: promptTokens, candidates: [], order: usable.map((d) => d.id), winner: usable[0].id, reason: 'embedding' };
    const recorded = ledger.append({ agent: caller.agent, lineage: caller.lineage, kind: 'router', action: 'embed', target: route.name, decision: 'allow', detail: { inputs: request.input.length, order: decision.order, reservedTokens: promptTokens, reservedUsd: usd } });
    const p = prepared({ decision, recorded, order: usable, reservation, promptTokens });
    try {
      const result = await withFailover(usable, (dep) => resolveProvider(dep.provider).provider.embed!(request, callFor(dep, p, caller, stopAll.signal)), hooks, options.retry ?? DEFAULT_RETRY);
      const usage = result.value.usage;
      finish(p, caller, result.deployment, { id: '', model: result.value.model, content: '', toolCalls: [], stopReason: 'stop', usage }, { attempts: result.attempts });
      return { ...result.value, model: redaction.redact(result.value.model) };
    } catch (error) {
      redactError(error, redaction);
      finish(p, caller, undefined, undefined, { error: (error as Error).message });
      throw error;
    }
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

  return { chat, stream, embed, explain, models, budgets, ewma, cooldown, currentConfig: () => config, reconfigure, close: () => stopAll.abort() };
}
