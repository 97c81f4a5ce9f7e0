// Validation of POST /v1/responses bodies (platform.openai.com/docs/api-reference/responses/create),
// the same way as openai-request.ts: every member the API defines checked,
// those the router cannot honour (stored conversations, background runs,
// hosted tools) refused, an unknown member refused in the API's words
// ("Unknown parameter: 'x'.").

import type { ResponsesRequest } from './responses-api.ts';
import { anyString, arr, bool, chosenTool, FUNCTION_NAME, fieldError, int, members, model, num, obj, oneOf, required, schema, str, stringMap, unsupported, type Check } from './fields.ts';

const unknownParameter = (name: string): string => `Unknown parameter: '${name}'.`;

function itemContent(v: unknown, param: string): void {
  if (typeof v === 'string') {
    str(v, param);
    return;
  }
  if (!Array.isArray(v)) throw fieldError(param, `expects a string or an array of content parts, got ${v === null ? 'null' : typeof v}`);
  v.forEach((raw, i) => {
    const p = obj(raw, `${param}[${i}]`);
    oneOf(p.type, `${param}[${i}].type`, ['input_text', 'output_text']);
    str(p.text, `${param}[${i}].text`);
  });
}

function item(v: unknown, param: string): void {
  const it = obj(v, param);
  const type = it.type === undefined ? 'message' : oneOf(it.type, `${param}.type`, ['message', 'function_call', 'function_call_output']);
  if (type === 'message') {
    oneOf(it.role, `${param}.role`, ['user', 'assistant', 'system', 'developer']);
    itemContent(it.content, `${param}.content`);
  } else if (type === 'function_call') {
    str(it.call_id, `${param}.call_id`, { nonEmpty: true });
    str(it.name, `${param}.name`, { nonEmpty: true });
    str(it.arguments, `${param}.arguments`);
  } else {
    str(it.call_id, `${param}.call_id`, { nonEmpty: true });
    str(it.output, `${param}.output`);
  }
}

function tool(v: unknown, param: string): void {
  const t = obj(v, param);
  oneOf(t.type, `${param}.type`, ['function']);
  str(t.name, `${param}.name`, { pattern: FUNCTION_NAME });
  if (t.description !== undefined && t.description !== null) str(t.description, `${param}.description`);
  if (t.parameters !== undefined && t.parameters !== null) schema(t.parameters, `${param}.parameters`);
  if (t.strict !== undefined && t.strict !== null) bool(t.strict, `${param}.strict`);
}

function toolChoice(v: unknown, param: string): void {
  if (typeof v === 'string') {
    oneOf(v, param, ['none', 'auto', 'required']);
    return;
  }
  const c = obj(v, param);
  oneOf(c.type, `${param}.type`, ['function']);
  str(c.name, `${param}.name`, { pattern: FUNCTION_NAME });
}


const RESPONSES: Record<string, Check> = {
  model,
  input: (v, p) => {
    if (typeof v === 'string') return str(v, p);
    if (!Array.isArray(v)) throw fieldError(p, `expects a string or an array of input items, got ${v === null ? 'null' : typeof v}`);
    arr(v, p, 1).forEach((it, i) => item(it, `${p}[${i}]`));
  },
  instructions: anyString,
  max_output_tokens: (v, p) => int(v, p, 1),
  temperature: (v, p) => num(v, p, 0, 2),
  top_p: (v, p) => num(v, p, 0, 1),
  tools: (v, p) => arr(v, p, 0, 128).forEach((t, i) => tool(t, `${p}[${i}]`)),
  tool_choice: toolChoice,
  stream: bool,
  text: (v, p) => {
    const t = obj(v, p);
    if (t.format !== undefined) oneOf(obj(t.format, `${p}.format`).type, `${p}.format.type`, ['text', 'json_object', 'json_schema']);
    if (t.verbosity !== undefined && t.verbosity !== null) oneOf(t.verbosity, `${p}.verbosity`, ['low', 'medium', 'high']);
  },
  // Defined by the API, no use to the router: checked, not forwarded.
  store: bool,
  metadata: stringMap,
  user: anyString,
  safety_identifier: anyString,
  prompt_cache_key: anyString,
  prompt_cache_retention: (v, p) => oneOf(v, p, ['in-memory', '24h']),
  parallel_tool_calls: bool,
  truncation: (v, p) => oneOf(v, p, ['auto', 'disabled']),
  service_tier: (v, p) => oneOf(v, p, ['auto', 'default', 'flex', 'scale', 'priority']),
  include: (v, p) => arr(v, p).forEach((s, i) => str(s, `${p}[${i}]`)),
  reasoning: (v, p) => obj(v, p),
  max_tool_calls: (v, p) => int(v, p, 1),
  top_logprobs: (v, p) => int(v, p, 0, 20),
  stream_options: (v, p) => obj(v, p),
  background: (v, p) => (bool(v, p) ? unsupported('background responses are not supported by this gateway')(v, p) : undefined),
  // Server-side state the gateway does not keep: refused, never ignored.
  previous_response_id: unsupported('stored responses are not supported by this gateway; send the whole input'),
  conversation: unsupported('stored conversations are not supported by this gateway; send the whole input'),
  prompt: unsupported('stored prompts are not supported by this gateway'),
};

/** The body of POST /v1/responses, checked member by member. */
export function validateResponses(body: unknown): ResponsesRequest {
  const b = obj(body, 'body');
  members(b, '', RESPONSES, unknownParameter, true);
  required(b, { model: 'is required', input: 'is required (a string or an array of items)' });
  chosenTool((b.tool_choice as { name?: string } | undefined)?.name, ((b.tools ?? []) as { name: string }[]).map((t) => t.name), 'tool_choice.name');
  return b as unknown as ResponsesRequest;
}
