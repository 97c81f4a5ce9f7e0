// Validation of POST /v1/messages bodies (docs.anthropic.com/en/api/messages),
// the same way as openai-request.ts: every member the API defines checked,
// those the router cannot honour (extended thinking, server tools, MCP)
// refused, an unknown member refused in the API's words ("Extra inputs are
// not permitted"). Unlike OpenAI, the API accepts no null for an optional member.

import type { AnthropicRequest } from '../providers/anthropic/wire.ts';
import { arr, bool, chosenTool, fieldError, int, members, model, num, obj, oneOf, required, schema, str, unsupported, type Check } from './fields.ts';

const extra = (): string => 'Extra inputs are not permitted';
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

function textBlocks(v: unknown, param: string): void {
  arr(v, param).forEach((raw, i) => {
    const b = obj(raw, `${param}[${i}]`);
    oneOf(b.type, `${param}[${i}].type`, ['text']);
    str(b.text, `${param}[${i}].text`);
  });
}

function block(v: unknown, param: string, role: 'user' | 'assistant'): void {
  const b = obj(v, param);
  const allowed = role === 'user' ? (['text', 'image', 'tool_result'] as const) : (['text', 'tool_use'] as const);
  const type = oneOf(b.type, `${param}.type`, allowed);
  if (type === 'text') str(b.text, `${param}.text`);
  else if (type === 'image') {
    const s = obj(b.source, `${param}.source`);
    if (oneOf(s.type, `${param}.source.type`, ['base64', 'url']) === 'base64') {
      oneOf(s.media_type, `${param}.source.media_type`, MEDIA_TYPES);
      str(s.data, `${param}.source.data`, { nonEmpty: true });
    } else str(s.url, `${param}.source.url`, { nonEmpty: true });
  } else if (type === 'tool_use') {
    str(b.id, `${param}.id`, { nonEmpty: true });
    str(b.name, `${param}.name`, { nonEmpty: true });
    obj(b.input, `${param}.input`);
  } else {
    str(b.tool_use_id, `${param}.tool_use_id`, { nonEmpty: true });
    if (typeof b.content === 'string') str(b.content, `${param}.content`);
    else if (b.content !== undefined) textBlocks(b.content, `${param}.content`);
    if (b.is_error !== undefined) bool(b.is_error, `${param}.is_error`);
  }
}

function message(v: unknown, param: string): void {
  const m = obj(v, param);
  const role = oneOf(m.role, `${param}.role`, ['user', 'assistant']);
  if (typeof m.content === 'string') str(m.content, `${param}.content`);
  else if (Array.isArray(m.content)) m.content.forEach((b, i) => block(b, `${param}.content[${i}]`, role));
  else throw fieldError(`${param}.content`, `expects a string or an array of content blocks, got ${m.content === null ? 'null' : typeof m.content}`);
}

function tool(v: unknown, param: string): void {
  const t = obj(v, param);
  // Server tools (web search, code execution...) carry a versioned type.
  if (t.type !== undefined && t.type !== 'custom') throw fieldError(`${param}.type`, 'server tools are not supported by this gateway; only client tools (name, input_schema)');
  str(t.name, `${param}.name`, { pattern: TOOL_NAME });
  if (t.description !== undefined) str(t.description, `${param}.description`);
  schema(t.input_schema, `${param}.input_schema`);
}

function toolChoice(v: unknown, param: string): void {
  const c = obj(v, param);
  if (oneOf(c.type, `${param}.type`, ['auto', 'any', 'none', 'tool']) === 'tool') str(c.name, `${param}.name`, { pattern: TOOL_NAME });
  if (c.disable_parallel_tool_use !== undefined) bool(c.disable_parallel_tool_use, `${param}.disable_parallel_tool_use`);
}

const MESSAGES: Record<string, Check> = {
  model,
  messages: (v, p) => arr(v, p, 1).forEach((m, i) => message(m, `${p}[${i}]`)),
  max_tokens: (v, p) => int(v, p, 1),
  system: (v, p) => {
    if (typeof v === 'string') str(v, p);
    else if (Array.isArray(v)) textBlocks(v, p);
    else throw fieldError(p, `expects a string or an array of text blocks, got ${v === null ? 'null' : typeof v}`);
  },
  stop_sequences: (v, p) => arr(v, p).forEach((s, i) => str(s, `${p}[${i}]`)),
  stream: bool,
  temperature: (v, p) => num(v, p, 0, 1),
  top_p: (v, p) => num(v, p, 0, 1),
  tools: (v, p) => arr(v, p).forEach((t, i) => tool(t, `${p}[${i}]`)),
  tool_choice: toolChoice,
  // Defined by the API, no use to the router: checked, not forwarded.
  top_k: (v, p) => int(v, p, 0),
  metadata: (v, p) => {
    const m = obj(v, p);
    if (m.user_id !== undefined && m.user_id !== null) str(m.user_id, `${p}.user_id`, { max: 256 });
  },
  service_tier: (v, p) => oneOf(v, p, ['auto', 'standard_only']),
  thinking: (v, p) => (oneOf(obj(v, p).type, `${p}.type`, ['enabled', 'disabled']) === 'enabled' ? unsupported('extended thinking is not supported by this gateway')(v, p) : undefined),
  // Not honoured here: refused, never silently dropped.
  container: unsupported(),
  mcp_servers: unsupported(),
  context_management: unsupported(),
};

/** The body of POST /v1/messages, checked member by member. */
export function validateMessages(body: unknown): AnthropicRequest {
  const b = obj(body, 'body');
  members(b, '', MESSAGES, extra);
  required(b, { model: 'Field required', messages: 'Field required', max_tokens: 'Field required' });
  chosenTool((b.tool_choice as { name?: string } | undefined)?.name, ((b.tools ?? []) as { name: string }[]).map((t) => t.name), 'tool_choice.name');
  return b as unknown as AnthropicRequest;
}
