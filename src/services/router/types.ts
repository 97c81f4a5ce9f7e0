// The router's public types: the one internal shape every provider adapter
// converts to and from, the provider interface, the error kinds, the routing
// configuration and the RouterApi other layers call. Types only.

import type { OutboundRequest, Redaction } from '../vault/api.ts';
import type { HttpClient } from '../../lib/outbound/http-client.ts';

// ---- messages, tools, usage -------------------------------------------------

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export type ContentPart =
  | { type: 'text'; text: string }
  /** An image by URL or data: URL (base64). */
  | { type: 'image'; url: string; mediaType?: string };

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as a JSON text, exactly as the model produced them. */
  arguments: string;
}

export interface ChatMessage {
  role: Role;
  content: string | ContentPart[];
  /** Assistant turns that called tools. */
  toolCalls?: ToolCall[];
  /** Tool turns: which call this answers. */
  toolCallId?: string;
  /** Tool turns: the tool's name (Gemini needs it). */
  name?: string;
}

export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type StopReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the provider's prompt cache. */
  cachedTokens: number;
}

export interface ChatRequest {
  /** A route name, a deployment id or a model name; '' or 'auto' picks the default route. */
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  responseFormat?: 'text' | 'json';
}

export interface ChatResponse {
  id: string;
  /** The model that actually answered. */
  model: string;
  content: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  usage: Usage;
}

export type StreamEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'done'; response: ChatResponse };

export interface EmbedRequest {
  model: string;
  input: string[];
}

export interface EmbedOptions {
  /**
   * `model` must be the id of an embedding deployment, and only that
   * deployment is called: no route of that name, no other deployment of the
   * same model, no default route, no failover to another provider. For text
   * whose owner allowed exactly one destination (an agent's memory:
   * manifest `memory.remoteEmbedder`); an unknown id is refused, never
   * resolved to something else.
   */
  exactDeployment?: boolean;
}

export interface EmbedResponse {
  model: string;
  vectors: number[][];
  usage: Usage;
}

// ---- errors -----------------------------------------------------------------

/** What went wrong with a provider call, independent of the provider. */
export type ProviderErrorKind =
  | 'rate_limited'
  | 'overloaded'
  | 'auth'
  | 'bad_request'
  | 'context_length'
  | 'timeout'
  | 'network'
  | 'server'
  | 'protocol';

// ---- rate limits ------------------------------------------------------------

/** What a provider's response headers said about our remaining allowance. */
export interface RateLimitInfo {
  remainingRequests?: number;
  remainingTokens?: number;
  /** Milliseconds until the allowance resets (the later of requests/tokens). */
  resetMs?: number;
  /** Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

// ---- providers --------------------------------------------------------------

export type ProviderKind = 'openai' | 'openai-responses' | 'anthropic' | 'gemini' | 'ollama';

/** Where a provider expects its key; the vault's injection rule has the last word. */
export interface AuthHint {
  header: string;
  /** Prefix before the key, e.g. "Bearer ". */
  prefix: string;
}

/**
 * Puts a credential into an outbound request, and takes it out of what comes
 * back (an upstream that echoes the key: JSON, stream chunks, error text).
 * Production: the vault, whose redaction knows every value in play.
 */
export interface CredentialInjector {
  inject(grant: string, request: OutboundRequest, hint: AuthHint, caller: Caller): Promise<OutboundRequest>;
  redaction: Redaction;
}

/** One call to one provider, fully resolved. */
export interface ProviderCall {
  baseUrl: string;
  /** The provider's model name. */
  model: string;
  /** The vault grant naming the credential; undefined for keyless endpoints (Ollama, vLLM). */
  credential?: string;
  caller: Caller;
  injector: CredentialInjector;
  /**
   * Resolves once the ledger entry that allowed this call is durable; the
   * request is not sent before (log first, act second). It is awaited after
   * the credential's injection, whose own ledger entry (the vault's) then
   * goes to disk in the same group commit: one flush per call, not two.
   */
  recorded: Promise<unknown>;
  signal: AbortSignal;
  /** Time allowed until the response head (and between body chunks). */
  timeoutMs?: number;
  /** Extra fixed headers a preset needs (OpenRouter's HTTP-Referer...). */
  headers?: Record<string, string>;
  /** The outbound client the call goes through (owned by the router service). */
  http: HttpClient;
}

export interface ChatResult {
  response: ChatResponse;
  rateLimit: RateLimitInfo;
}

export interface StreamResult {
  events: AsyncIterable<StreamEvent>;
  rateLimit: RateLimitInfo;
}

export interface Provider {
  kind: ProviderKind;
  auth: AuthHint;
  chat(request: ChatRequest, call: ProviderCall): Promise<ChatResult>;
  /** Resolves once the response headers are in (so errors before the body fail over). */
  stream(request: ChatRequest, call: ProviderCall): Promise<StreamResult>;
  embed?(request: EmbedRequest, call: ProviderCall): Promise<EmbedResponse>;
}

// ---- routing configuration ----------------------------------------------------

export interface Capabilities {
  tools: boolean;
  vision: boolean;
  json: boolean;
}

/** One provider + model + key: the unit the router fails over between. */
export interface Deployment {
  id: string;
  /** A provider kind or an OpenAI-compatible preset name (groq, mistral...). */
  provider: string;
  model: string;
  /** 'embedding' deployments serve /v1/embeddings only; default 'chat'. */
  kind?: 'chat' | 'embedding';
  baseUrl?: string;
  /** Vault grant name of the API key, never the key. */
  credential?: string;
  /** US dollars per million tokens. */
  price: { input: number; output: number };
  contextWindow: number;
  capabilities: Capabilities;
  /** 1 small/cheap, 2 mid, 3 frontier. */
  tier: 1 | 2 | 3;
  /** Local ceilings, requests and tokens per minute. */
  rpm?: number;
  tpm?: number;
  timeoutMs?: number;
}

export type PolicyName = 'ordered' | 'cheapest' | 'fastest' | 'auto';

export interface BudgetLimits {
  /** US dollars. */
  usdPerRequest?: number;
  usdPerDay?: number;
  usdTotal?: number;
  tokensPerRequest?: number;
  tokensPerDay?: number;
  tokensTotal?: number;
}

export interface Route {
  name: string;
  /** Deployment ids in fallback order. */
  deployments: string[];
  policy: PolicyName;
  budget?: BudgetLimits;
}

export interface RouterConfig {
  deployments: Deployment[];
  routes: Route[];
  /** Route used for model '' / 'auto' / unknown names; default 'default'. */
  defaultRoute?: string;
}

// ---- callers and decisions ----------------------------------------------------

/** Who is asking: what the gateway's authenticate() returns. */
export interface Caller {
  agent: string;
  lineage: string[];
  /** The agent's vault token, passed to the injector; never logged. */
  vaultToken?: string;
  budget?: BudgetLimits;
}

export type Authenticate = (token: string) => Promise<Caller | undefined>;

export type Complexity = 'simple' | 'moderate' | 'complex';

export interface CandidateScore {
  deployment: string;
  eligible: boolean;
  score: number;
  /** Why it was excluded, or what made its score. */
  reason: string;
  estimatedUsd: number;
}

export interface Decision {
  route: string;
  policy: PolicyName;
  complexity: Complexity;
  estimatedPromptTokens: number;
  candidates: CandidateScore[];
  /** Eligible deployments, best first. */
  order: string[];
  winner: string | undefined;
  reason: string;
}

export interface ModelInfo {
  id: string;
  kind: 'route' | 'deployment';
  owner: string;
}

export interface RouterApi {
  chat(request: ChatRequest, caller: Caller): Promise<ChatResponse>;
  /** Events of the answer; errors before the first token fail over, after it they are thrown. */
  stream(request: ChatRequest, caller: Caller): AsyncIterable<StreamEvent>;
  embed(request: EmbedRequest, caller: Caller, options?: EmbedOptions): Promise<EmbedResponse>;
  explain(request: ChatRequest): Decision;
  models(): ModelInfo[];
}
