// The router's own check of a request, whoever calls it (the gateway after
// its per-API validation, the agent loop, the admin API's explain and test):
// a value that would reach a ledger record or a budget (the model name,
// max_tokens) is checked before anything is recorded or routed, so NaN, a
// fractional or negative token limit, or a megabyte of model name can never
// reach the ledger (which would refuse the record) or pass a budget.
// Refusals are 400s naming the field (E_ROUTER_REQUEST).

import { EXIT, OctantError } from '../../lib/errors.ts';
import type { ChatRequest, EmbedRequest } from './types.ts';

/** Longest model name: it is recorded in the ledger with every decision. */
export const MAX_MODEL_CHARS = 256;
const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

function refuse(param: string, message: string): never {
  throw new OctantError('E_ROUTER_REQUEST', `${param}: ${message}`, { exit: EXIT.usage, detail: { status: 400, param } });
}

function checkModel(model: unknown): void {
  if (typeof model !== 'string') refuse('model', 'expects a string');
  if (model.length > MAX_MODEL_CHARS) refuse('model', `expects at most ${MAX_MODEL_CHARS} characters, got ${model.length}`);
  if (!model.isWellFormed()) refuse('model', 'contains a lone surrogate (not valid Unicode)');
}

const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkPart(p: unknown, at: string): void {
  const ok = isRecord(p) && ((p.type === 'text' && typeof p.text === 'string') || (p.type === 'image' && typeof p.url === 'string'));
  if (!ok) refuse(at, "expects {type: 'text', text} or {type: 'image', url}");
}

function checkMessage(m: unknown, i: number): void {
  if (!isRecord(m) || typeof m.role !== 'string' || !ROLES.has(m.role)) refuse(`messages[${i}].role`, `expects one of ${[...ROLES].join(', ')}`);
  if (typeof m.content !== 'string' && !Array.isArray(m.content)) refuse(`messages[${i}].content`, 'expects a string or an array of parts');
  if (Array.isArray(m.content)) m.content.forEach((p, j) => checkPart(p, `messages[${i}].content[${j}]`));
  if (m.toolCalls !== undefined && !(Array.isArray(m.toolCalls) && m.toolCalls.every((c) => isRecord(c) && typeof c.name === 'string' && typeof c.arguments === 'string'))) {
    refuse(`messages[${i}].toolCalls`, 'expects an array of {id, name, arguments}');
  }
}

/** Checks a chat request, whether typed by its caller or straight from JSON (the admin API's explain). */
export function checkChatRequest(request: unknown): asserts request is ChatRequest {
  if (!isRecord(request)) refuse('request', 'expects an object');
  checkModel(request.model);
  if (!Array.isArray(request.messages) || request.messages.length === 0) refuse('messages', 'expects a non-empty array');
  request.messages.forEach(checkMessage);
  if (request.tools !== undefined) {
    if (!Array.isArray(request.tools)) refuse('tools', 'expects an array');
    request.tools.forEach((t, i) => {
      if (!isRecord(t) || typeof t.name !== 'string' || typeof t.parameters !== 'object' || t.parameters === null) refuse(`tools[${i}]`, 'expects {name, parameters}');
    });
  }
  // Budgets count only positive whole token limits: 0, -5, 2.5, NaN or 1e300 would each under- or mis-count.
  if (request.maxTokens !== undefined && !(Number.isSafeInteger(request.maxTokens) && Number(request.maxTokens) > 0)) refuse('max_tokens', `expects a positive integer, got ${String(request.maxTokens)}`);
  if (request.temperature !== undefined && !finite(request.temperature)) refuse('temperature', 'expects a finite number');
  if (request.topP !== undefined && !finite(request.topP)) refuse('top_p', 'expects a finite number');
}

/** A chat request from a JSON body: checked, then typed (a route's body check). */
export function chatRequestOf(value: unknown): ChatRequest {
  checkChatRequest(value);
  return value;
}

export function checkEmbedRequest(request: EmbedRequest): void {
  if (typeof request !== 'object' || request === null) refuse('request', 'expects an object');
  checkModel(request.model);
  if (!Array.isArray(request.input) || request.input.length === 0 || !request.input.every((s) => typeof s === 'string')) refuse('input', 'expects a non-empty array of strings');
}
