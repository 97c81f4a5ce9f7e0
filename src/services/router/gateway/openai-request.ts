// Validation of OpenAI request bodies the gateway accepts: Chat Completions
// (platform.openai.com/docs/api-reference/chat/create) and Embeddings.
// Every member the API defines is type- and range-checked; those the router
// has no use for (seed, user, penalties...) are accepted once well-typed and
// not forwarded, those it cannot honour (audio, n > 1) are refused; an
// unknown member is refused as the API does ("Unrecognized request argument
// supplied"). Nested objects allow unknown members: SDKs echo assistant
// messages back with members such as `refusal` and `annotations`.

import type { OpenAIChatRequest } from '../providers/openai/wire.ts';
import { anyString, arr, bool, chosenTool, FUNCTION_NAME, fieldError, int, members, model, num, obj, oneOf, required, schema, str, stringMap, strings, unsupported, type Check } from './fields.ts';

const unrecognized = (name: string): string => `Unrecognized request argument supplied: ${name}`;
const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

function part(v: unknown, param: string, role: string): void {
  const p = obj(v, param);
  const type = oneOf(p.type, `${param}.type`, role === 'user' ? ['text', 'image_url'] : ['text']);
  if (type === 'text') str(p.text, `${param}.text`);
  else {
    const image = obj(p.image_url, `${param}.image_url`);
    str(image.url, `${param}.image_url.url`, { nonEmpty: true });
    if (image.detail !== undefined) oneOf(image.detail, `${param}.image_url.detail`, ['auto', 'low', 'high']);
  }
}

function content(v: unknown, param: string, role: string): void {
  if (typeof v === 'string') {
    str(v, param);
    return;
  }
  if (!Array.isArray(v)) throw fieldError(param, `expects a string or an array of content parts, got ${v === null ? 'null' : typeof v}`);
  v.forEach((p, i) => part(p, `${param}[${i}]`, role));
}

function toolCall(v: unknown, param: string): void {
  const c = obj(v, param);
  str(c.id, `${param}.id`, { nonEmpty: true });
  oneOf(c.type, `${param}.type`, ['function']);
  const f = obj(c.function, `${param}.function`);
  str(f.name, `${param}.function.name`, { nonEmpty: true });
  str(f.arguments, `${param}.function.arguments`);
}

function message(v: unknown, param: string): void {
  const m = obj(v, param);
  const role = oneOf(m.role, `${param}.role`, ROLES);
  if (m.name !== undefined && m.name !== null) str(m.name, `${param}.name`);
  const calls = role === 'assistant' && m.tool_calls !== undefined && m.tool_calls !== null ? arr(m.tool_calls, `${param}.tool_calls`) : undefined;
  calls?.forEach((c, i) => toolCall(c, `${param}.tool_calls[${i}]`));
  if (role !== 'assistant' && m.tool_calls !== undefined && m.tool_calls !== null) throw fieldError(`${param}.tool_calls`, `only assistant messages carry tool calls, not ${role}`);
  // An assistant turn that called tools may have no content.
  if (role === 'assistant' && (m.content === null || m.content === undefined) && (calls?.length ?? 0) > 0) m.content = null;
  else content(m.content, `${param}.content`, role);
  if (role === 'tool' || m.tool_call_id !== undefined) str(m.tool_call_id, `${param}.tool_call_id`, { nonEmpty: true });
}

function tool(v: unknown, param: string): void {
  const t = obj(v, param);
  oneOf(t.type, `${param}.type`, ['function']);
  const f = obj(t.function, `${param}.function`);
  str(f.name, `${param}.function.name`, { pattern: FUNCTION_NAME });
  if (f.description !== undefined) str(f.description, `${param}.function.description`);
  if (f.parameters !== undefined) schema(f.parameters, `${param}.function.parameters`);
  if (f.strict !== undefined && f.strict !== null) bool(f.strict, `${param}.function.strict`);
}

function toolChoice(v: unknown, param: string): void {
  if (typeof v === 'string') {
    oneOf(v, param, ['none', 'auto', 'required']);
    return;
  }
  const c = obj(v, param);
  oneOf(c.type, `${param}.type`, ['function']);
  str(obj(c.function, `${param}.function`).name, `${param}.function.name`, { pattern: FUNCTION_NAME });
}

function responseFormat(v: unknown, param: string): void {
  const f = obj(v, param);
  const type = oneOf(f.type, `${param}.type`, ['text', 'json_object', 'json_schema']);
  if (type === 'json_schema') {
    const s = obj(f.json_schema, `${param}.json_schema`);
    str(s.name, `${param}.json_schema.name`, { pattern: FUNCTION_NAME });
    if (s.schema !== undefined) schema(s.schema, `${param}.json_schema.schema`);
  }
}

const tokens: Check = (v, p) => int(v, p, 1);

const CHAT: Record<string, Check> = {
  model,
  messages: (v, p) => arr(v, p, 1).forEach((m, i) => message(m, `${p}[${i}]`)),
  tools: (v, p) => arr(v, p, 0, 128).forEach((t, i) => tool(t, `${p}[${i}]`)),
  tool_choice: toolChoice,
  max_tokens: tokens,
  max_completion_tokens: tokens,
  temperature: (v, p) => num(v, p, 0, 2),
  top_p: (v, p) => num(v, p, 0, 1),
  stop: (v, p) => strings(v, p, 4),
  response_format: responseFormat,
  stream: bool,
  stream_options: (v, p) => {
    const o = obj(v, p);
    if (o.include_usage !== undefined) bool(o.include_usage, `${p}.include_usage`);
    if (o.include_obfuscation !== undefined) bool(o.include_obfuscation, `${p}.include_obfuscation`);
  },
  // Defined by the API, no use to the router: checked, not forwarded.
  frequency_penalty: (v, p) => num(v, p, -2, 2),
  presence_penalty: (v, p) => num(v, p, -2, 2),
  seed: (v, p) => int(v, p, Number.MIN_SAFE_INTEGER),
  user: anyString,
  safety_identifier: anyString,
  prompt_cache_key: anyString,
  metadata: stringMap,
  store: bool,
  parallel_tool_calls: bool,
  service_tier: (v, p) => oneOf(v, p, ['auto', 'default', 'flex', 'scale', 'priority']),
  reasoning_effort: (v, p) => oneOf(v, p, ['none', 'minimal', 'low', 'medium', 'high']),
  prompt_cache_retention: (v, p) => oneOf(v, p, ['in-memory', '24h']),
  verbosity: (v, p) => oneOf(v, p, ['low', 'medium', 'high']),
  logit_bias: (v, p) => Object.entries(obj(v, p)).forEach(([k, b]) => num(b, `${p}.${k}`, -100, 100)),
  logprobs: (v, p) => (bool(v, p) ? unsupported()(v, p) : undefined),
  top_logprobs: (v, p) => int(v, p, 0, 20),
  n: (v, p) => int(v, p, 1, 1),
  modalities: (v, p) => arr(v, p).forEach((m, i) => oneOf(m, `${p}[${i}]`, ['text'])),
  prediction: (v, p) => obj(v, p),
  // Defined by the API, not honoured here: refused, never silently dropped.
  audio: unsupported(),
  web_search_options: unsupported(),
  functions: unsupported("is deprecated and not supported; use 'tools'"),
  function_call: unsupported("is deprecated and not supported; use 'tool_choice'"),
};

/** The body of POST /v1/chat/completions, checked member by member. */
export function validateChat(body: unknown): OpenAIChatRequest {
  const b = obj(body, 'body');
  members(b, '', CHAT, unrecognized, true);
  required(b, { model: 'is required', messages: 'is required (a non-empty array)' });
  if (b.stream_options !== undefined && b.stream !== true) throw fieldError('stream_options', "is only allowed when 'stream' is true");
  chosenTool((b.tool_choice as { function?: { name?: string } } | undefined)?.function?.name, ((b.tools ?? []) as { function: { name: string } }[]).map((t) => t.function.name), 'tool_choice.function.name');
  return b as unknown as OpenAIChatRequest;
}

const EMBEDDINGS: Record<string, Check> = {
  model,
  input: (v, p) => {
    if (typeof v === 'string') return str(v, p, { nonEmpty: true });
    arr(v, p, 1, 2048).forEach((s, i) => {
      if (typeof s !== 'string') throw fieldError(`${p}[${i}]`, 'expects a string (token arrays are not supported by this gateway)');
      str(s, `${p}[${i}]`, { nonEmpty: true });
    });
  },
  encoding_format: (v, p) => oneOf(v, p, ['float', 'base64']),
  dimensions: (v, p) => int(v, p, 1),
  user: anyString,
};

/** The body of POST /v1/embeddings; the input as a list. */
export function validateEmbeddings(body: unknown): { model: string; input: string[] } {
  const b = obj(body, 'body');
  members(b, '', EMBEDDINGS, unrecognized, true);
  required(b, { model: 'is required', input: 'is required (a string or an array of strings)' });
  return { model: b.model as string, input: typeof b.input === 'string' ? [b.input] : (b.input as string[]) };
}
