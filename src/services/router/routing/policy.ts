// Policy-driven selection: filter a route's deployments to those that can
// serve the request now (capabilities, context window, cooldown, rate
// limits), then order them by the route's policy. 'auto' weighs quality fit
// for the task's complexity, estimated cost, observed latency and success.
// The result is a Decision the ledger records and `octant router explain` shows.

import type { CandidateScore, ChatRequest, Complexity, Decision, Deployment, PolicyName, Route } from '../types.ts';
import { classify, estimateTokens } from './classifier.ts';
import type { Cooldown } from './cooldown.ts';
import type { Ewma } from './ewma.ts';
import type { RateLimits } from './ratelimit.ts';

/** Completion tokens assumed when the request sets no max_tokens. */
export const DEFAULT_COMPLETION = 1_024;

const TIER_FOR: Record<Complexity, number> = { simple: 1, moderate: 2, complex: 3 };
const WEIGHTS = { quality: 0.4, cost: 0.3, latency: 0.15, success: 0.15 };

export interface PolicyState {
  cooldown: Cooldown;
  ewma: Ewma;
  limits: RateLimits;
  now: number;
}

export function needsOf(request: ChatRequest): { tools: boolean; vision: boolean; json: boolean } {
  return {
    tools: (request.tools?.length ?? 0) > 0,
    vision: request.messages.some((m) => typeof m.content !== 'string' && m.content.some((p) => p.type === 'image')),
    json: request.responseFormat === 'json',
  };
}

/** US dollars for a number of prompt and completion tokens. */
export function costOf(dep: Deployment, promptTokens: number, completionTokens: number): number {
  return (promptTokens * dep.price.input + completionTokens * dep.price.output) / 1_000_000;
}

export function completionCap(dep: Deployment, request: ChatRequest, promptTokens: number): number {
  return Math.max(0, Math.min(request.maxTokens ?? DEFAULT_COMPLETION, dep.contextWindow - promptTokens));
}

/**
 * Why this deployment can never serve this request (whatever its state), or
 * undefined. When every deployment of the route says so, the request itself
 * is at fault: the router answers 400, not a retryable 503.
 */
export function requestExclusion(dep: Deployment, request: ChatRequest, promptTokens: number): string | undefined {
  const need = needsOf(request);
  if (need.tools && !dep.capabilities.tools) return 'no tool calling';
  if (need.vision && !dep.capabilities.vision) return 'no vision';
  if (need.json && !dep.capabilities.json) return 'no JSON mode';
  if (promptTokens >= dep.contextWindow) return `prompt ~${promptTokens} tokens over context window ${dep.contextWindow}`;
  if (promptTokens + (request.maxTokens ?? 1) > dep.contextWindow) return `prompt ~${promptTokens} tokens + max_tokens ${request.maxTokens} over context window ${dep.contextWindow}`;
  return undefined;
}

function exclusion(dep: Deployment, request: ChatRequest, promptTokens: number, state: PolicyState): string | undefined {
  const why = requestExclusion(dep, request, promptTokens);
  if (why !== undefined) return why;
  const cooling = state.cooldown.remaining(dep.id, state.now);
  if (cooling > 0) return `cooling down for ${cooling} ms`;
  return state.limits.blocked(dep, promptTokens + completionCap(dep, request, promptTokens), state.now);
}

export function decide(route: Route, deployments: readonly Deployment[], request: ChatRequest, state: PolicyState): Decision {
  const promptTokens = estimateTokens(request);
  const { complexity, signals } = classify(request, promptTokens);
  const required = TIER_FOR[complexity];
  const eligible: { dep: Deployment; index: number; cost: number }[] = [];
  const candidates: CandidateScore[] = deployments.map((dep, index) => {
    const estimatedUsd = costOf(dep, promptTokens, completionCap(dep, request, promptTokens));
    const why = exclusion(dep, request, promptTokens, state);
    if (why === undefined) eligible.push({ dep, index, cost: estimatedUsd });
    // Members in UTF-16 order here and in the Decision below: the ledger then
    // writes the decision with one JSON.stringify (entry.ts, isCanonicalOrder).
    return { deployment: dep.id, eligible: why === undefined, estimatedUsd, reason: why ?? '', score: 0 };
  });
  const maxCost = Math.max(...eligible.map((e) => e.cost), 1e-12);
  const latencies = eligible.map((e) => state.ewma.get(e.dep.id).latencyMs).filter((l) => l !== undefined);
  const maxLatency = Math.max(...latencies, 1);
  for (const e of eligible) {
    const c = candidates[e.index];
    const seen = state.ewma.get(e.dep.id);
    c.score = score(route.policy, e.dep, e.index, e.cost, maxCost, seen.latencyMs, maxLatency, seen.success, required, deployments.length);
    c.reason = `tier ${e.dep.tier} for ${complexity}, ~$${e.cost.toFixed(6)}, latency ${seen.latencyMs === undefined ? 'unknown' : `${Math.round(seen.latencyMs)} ms`}, success ${seen.success.toFixed(2)}`;
  }
  const order = eligible.map((e) => candidates[e.index]).sort((a, b) => b.score - a.score).map((c) => c.deployment);
  const winner = order[0];
  const reason = winner === undefined
    ? 'no deployment can serve this request now'
    : `${route.policy} policy picked ${winner} for a ${complexity} request (${signals.join(', ') || 'no signals'})`;
  return { candidates, complexity, estimatedPromptTokens: promptTokens, order, policy: route.policy, reason, route: route.name, winner };
}

function score(policy: PolicyName, dep: Deployment, index: number, cost: number, maxCost: number, latency: number | undefined, maxLatency: number, success: number, required: number, count: number): number {
  const round = (n: number): number => Math.round(n * 1e4) / 1e4;
  if (policy === 'ordered') return count - index;
  if (policy === 'cheapest') return round(1 - cost / maxCost + success * 1e-3);
  // Unknown latency scores as the best, so new deployments get explored.
  const latencyTerm = latency === undefined ? 1 : 1 - latency / maxLatency;
  if (policy === 'fastest') return round(latencyTerm + success * 1e-3);
  // Under-qualified models lose more than over-qualified ones; cost then
  // decides between models that are good enough.
  const fit = dep.tier >= required ? 1 - 0.15 * (dep.tier - required) : 1 - 0.6 * (required - dep.tier);
  return round(WEIGHTS.quality * fit + WEIGHTS.cost * (1 - cost / maxCost) + WEIGHTS.latency * latencyTerm + WEIGHTS.success * success);
}
