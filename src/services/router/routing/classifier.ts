// A cheap local classifier of how hard a request is, so the policy can send
// simple tasks to small models and hard ones to capable models. It reads
// only the request (no model call): size, code, tools, images and words that
// signal multi-step reasoning. Microseconds per request.

import { textOf } from '../accumulate.ts';
import type { ChatRequest, Complexity } from '../types.ts';

const REASONING = /\b(prove|proof|derive|analy[sz]e|architect|design|refactor|debug|optimi[sz]e|step[- ]by[- ]step|trade-?offs?|compare|plan|theorem|algorithm|complexity|why)\b/gi;
const TRIVIAL = /^\s*(hi|hello|thanks|thank you|yes|no|ok|translate|summari[sz]e|classify|extract)\b/i;

/** Rough token count: ~4 characters per token for English and code. */
export function estimateTokens(request: ChatRequest): number {
  let chars = 0;
  for (const m of request.messages) {
    chars += textOf(m.content).length + 8;
    if (typeof m.content !== 'string') chars += m.content.filter((p) => p.type === 'image').length * 3000;
    for (const c of m.toolCalls ?? []) chars += c.arguments.length + c.name.length;
  }
  for (const t of request.tools ?? []) chars += JSON.stringify(t.parameters).length + t.name.length + (t.description?.length ?? 0);
  return Math.ceil(chars / 4);
}

export interface Classification {
  complexity: Complexity;
  score: number;
  signals: string[];
}

export function classify(request: ChatRequest, promptTokens = estimateTokens(request)): Classification {
  const last = [...request.messages].reverse().find((m) => m.role === 'user');
  const text = last === undefined ? '' : textOf(last.content);
  const signals: string[] = [];
  let score = 0;
  if (promptTokens > 8_000) (score += 2), signals.push('long context');
  else if (promptTokens > 1_500) (score += 1), signals.push('medium context');
  const reasoning = text.match(REASONING)?.length ?? 0;
  if (reasoning > 0) (score += Math.min(reasoning, 3)), signals.push(`${reasoning} reasoning cue(s)`);
  if (/```|\bfunction\b|\bclass\b|=>|;\s*$/m.test(text)) (score += 1), signals.push('code');
  if ((request.tools?.length ?? 0) > 3) (score += 1), signals.push('many tools');
  if (request.messages.length > 12) (score += 1), signals.push('long conversation');
  if (TRIVIAL.test(text) && text.length < 400) (score -= 1), signals.push('routine task');
  const complexity: Complexity = score >= 3 ? 'complex' : score >= 1 ? 'moderate' : 'simple';
  return { complexity, score, signals };
}
