// Builds the final ChatResponse of a stream from its deltas, the same way
// for every provider, so the 'done' event always carries the whole answer.

import type { ChatResponse, StopReason, StreamEvent, ToolCall, Usage } from './types.ts';

export class StreamAccumulator {
  private text = '';
  private readonly calls: ToolCall[] = [];
  id = '';
  model = '';
  stopReason: StopReason | undefined;
  usage: Usage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0 };

  textDelta(delta: string): StreamEvent {
    this.text += delta;
    return { type: 'text', delta };
  }

  toolDelta(index: number, id: string | undefined, name: string | undefined, argumentsDelta: string): StreamEvent {
    const call = (this.calls[index] ??= { id: '', name: '', arguments: '' });
    if (id) call.id = id;
    if (name) call.name += name;
    call.arguments += argumentsDelta;
    return { type: 'tool_call', index, id, name, argumentsDelta };
  }

  get started(): boolean {
    return this.text !== '' || this.calls.length > 0;
  }

  done(): StreamEvent {
    const toolCalls = this.calls.filter((c) => c !== undefined);
    const response: ChatResponse = {
      id: this.id,
      model: this.model,
      content: this.text,
      toolCalls,
      stopReason: this.stopReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      usage: this.usage,
    };
    return { type: 'done', response };
  }
}

/** The final response of a stream (for callers that want only the answer). */
export async function collect(events: AsyncIterable<StreamEvent>): Promise<ChatResponse> {
  for await (const event of events) if (event.type === 'done') return event.response;
  throw new Error('stream ended without a final event');
}

export function textOf(content: string | readonly { type: string; text?: string }[]): string {
  return typeof content === 'string' ? content : content.map((p) => (p.type === 'text' ? p.text ?? '' : '')).join('');
}
