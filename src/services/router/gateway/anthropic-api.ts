// The Anthropic-compatible /v1/messages, JSON and the named-event stream,
// so code written against the Anthropic SDK works unchanged.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { fromAnthropicRequest, toAnthropicResponse, toAnthropicStop, toAnthropicUsage } from '../providers/anthropic/convert.ts';
import type { Caller, RouterApi } from '../types.ts';
import { validateMessages } from './anthropic-request.ts';
import { messageOfError, readBody, sendJson, startSse, statusOf, writeSse } from './http-util.ts';

export function anthropicError(res: ServerResponse, error: unknown): void {
  const status = statusOf(error);
  const type = status === 401 ? 'authentication_error' : status === 402 ? 'billing_error' : status === 413 ? 'request_too_large' : status === 429 ? 'rate_limit_error' : status === 503 ? 'overloaded_error' : status < 500 ? 'invalid_request_error' : 'api_error';
  const body = { type: 'error', error: { type, message: messageOfError(error) } };
  if (res.headersSent) {
    writeSse(res, body, 'error');
    res.end();
    return;
  }
  sendJson(res, status, body);
}

export async function messages(req: IncomingMessage, res: ServerResponse, router: RouterApi, caller: Caller): Promise<void> {
  const body = validateMessages(await readBody(req));
  const request = fromAnthropicRequest(body);
  if (body.stream !== true) {
    sendJson(res, 200, toAnthropicResponse(await router.chat(request, caller)));
    return;
  }
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  let block = -1;
  let kind: 'text' | 'tool' | undefined;
  const toolBlocks = new Map<number, number>();
  const open = (type: 'text' | 'tool', start: Record<string, unknown>): void => {
    if (kind !== undefined) writeSse(res, { type: 'content_block_stop', index: block }, 'content_block_stop');
    block++;
    kind = type;
    writeSse(res, { type: 'content_block_start', index: block, content_block: start }, 'content_block_start');
  };
  let started = false;
  for await (const event of router.stream(request, caller)) {
    if (!started) {
      startSse(res);
      writeSse(res, { type: 'message_start', message: { id, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } }, 'message_start');
      started = true;
    }
    if (event.type === 'text') {
      if (kind !== 'text') open('text', { type: 'text', text: '' });
      writeSse(res, { type: 'content_block_delta', index: block, delta: { type: 'text_delta', text: event.delta } }, 'content_block_delta');
    } else if (event.type === 'tool_call') {
      if (!toolBlocks.has(event.index)) {
        open('tool', { type: 'tool_use', id: event.id ?? `toolu_${event.index}`, name: event.name ?? '', input: {} });
        toolBlocks.set(event.index, block);
      }
      if (event.argumentsDelta !== '') writeSse(res, { type: 'content_block_delta', index: toolBlocks.get(event.index), delta: { type: 'input_json_delta', partial_json: event.argumentsDelta } }, 'content_block_delta');
    } else {
      if (kind !== undefined) writeSse(res, { type: 'content_block_stop', index: block }, 'content_block_stop');
      const usage = toAnthropicUsage(event.response.usage);
      writeSse(res, { type: 'message_delta', delta: { stop_reason: toAnthropicStop(event.response.stopReason), stop_sequence: null }, usage: { output_tokens: usage.output_tokens, input_tokens: usage.input_tokens } }, 'message_delta');
      writeSse(res, { type: 'message_stop' }, 'message_stop');
    }
  }
  res.end();
}
