// The Anthropic-compatible /v1/messages, JSON and the named-event stream,
// so code written against the Anthropic SDK works unchanged.

import { randomUUID } from 'node:crypto';
import { sse, type SseEvent } from '../../../lib/http/route.ts';
import { fromAnthropicRequest, toAnthropicResponse, toAnthropicStop, toAnthropicUsage } from '../providers/anthropic/convert.ts';
import type { Caller, ChatRequest, RouterApi } from '../types.ts';
import type { AnthropicRequest } from '../providers/anthropic/wire.ts';

/** Anthropic's named events (docs.anthropic.com "Streaming Messages"): each event's name is also its data's `type`. */
const named = (data: { type: string } & Record<string, unknown>): SseEvent => ({ event: data.type, data });

async function* messageEvents(model: string, request: ChatRequest, router: RouterApi, caller: Caller): AsyncIterable<SseEvent> {
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  let block = -1;
  let kind: 'text' | 'tool' | undefined;
  const toolBlocks = new Map<number, number>();
  /** Close the open content block (if any) and start the next. */
  const open = (type: 'text' | 'tool', start: Record<string, unknown>): SseEvent[] => {
    const out = kind === undefined ? [] : [named({ type: 'content_block_stop', index: block })];
    block++;
    kind = type;
    out.push(named({ type: 'content_block_start', index: block, content_block: start }));
    return out;
  };
  let started = false;
  for await (const event of router.stream(request, caller)) {
    if (!started) {
      yield named({ type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } });
      started = true;
    }
    if (event.type === 'text') {
      if (kind !== 'text') yield* open('text', { type: 'text', text: '' });
      yield named({ type: 'content_block_delta', index: block, delta: { type: 'text_delta', text: event.delta } });
    } else if (event.type === 'tool_call') {
      if (!toolBlocks.has(event.index)) {
        yield* open('tool', { type: 'tool_use', id: event.id ?? `toolu_${event.index}`, name: event.name ?? '', input: {} });
        toolBlocks.set(event.index, block);
      }
      if (event.argumentsDelta !== '') yield named({ type: 'content_block_delta', index: toolBlocks.get(event.index), delta: { type: 'input_json_delta', partial_json: event.argumentsDelta } });
    } else {
      if (kind !== undefined) yield named({ type: 'content_block_stop', index: block });
      const usage = toAnthropicUsage(event.response.usage);
      yield named({ type: 'message_delta', delta: { stop_reason: toAnthropicStop(event.response.stopReason), stop_sequence: null }, usage: { output_tokens: usage.output_tokens, input_tokens: usage.input_tokens } });
      yield named({ type: 'message_stop' });
    }
  }
}

export async function messages(body: AnthropicRequest, router: RouterApi, caller: Caller): Promise<unknown> {
  const request = fromAnthropicRequest(body);
  if (body.stream !== true) return toAnthropicResponse(await router.chat(request, caller));
  return sse(messageEvents(body.model, request, router, caller));
}
