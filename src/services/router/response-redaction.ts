// What comes back from an upstream goes through the credential injector's
// redaction before a client or the ledger sees it: an upstream may echo the
// key it was sent (in a completion, a streamed delta, an error message).
// Streams are redacted across chunk boundaries: a key split over two deltas
// is held back until it can be told apart, and never shown in part.

import type { Redaction, RedactionStream } from '../vault/api.ts';
import type { ChatResponse, StreamEvent } from './types.ts';

export async function redactResponse(response: ChatResponse, redaction: Redaction): Promise<ChatResponse> {
  return {
    ...response,
    id: redaction.redact(response.id),
    model: redaction.redact(response.model),
    content: await redaction.redactAsync(response.content),
    toolCalls: await Promise.all(response.toolCalls.map(async (c) => ({ id: redaction.redact(c.id), name: redaction.redact(c.name), arguments: await redaction.redactAsync(c.arguments) }))),
  };
}

/** The error's message (and hint) redacted in place: it is shown to the client and recorded in the ledger. */
export function redactError(error: unknown, redaction: Redaction): unknown {
  if (error instanceof Error) {
    error.message = redaction.redact(error.message);
    const withHint = error as Error & { hint?: string };
    if (typeof withHint.hint === 'string') withHint.hint = redaction.redact(withHint.hint);
  }
  return error;
}

/**
 * Redacts a stream of events: text deltas through one redaction stream, each
 * tool call's argument deltas through their own. What a stream holds back
 * comes out at the final event (or end()), its trailing part withheld if it
 * could be the start of a secret.
 */
export class EventRedactor {
  readonly #redaction: Redaction;
  #text: RedactionStream | undefined;
  readonly #args = new Map<number, RedactionStream>();

  constructor(redaction: Redaction) {
    this.#redaction = redaction;
  }

  async *push(event: StreamEvent): AsyncGenerator<StreamEvent> {
    if (event.type === 'text') {
      const delta = (this.#text ??= this.#redaction.redactStream()).push(event.delta);
      if (delta !== '') yield { type: 'text', delta };
      return;
    }
    if (event.type === 'tool_call') {
      // Text comes before tool calls: what it held back ends here, so the order stays text, then calls.
      yield* this.#endText();
      let stream = this.#args.get(event.index);
      if (stream === undefined) this.#args.set(event.index, (stream = this.#redaction.redactStream()));
      const argumentsDelta = stream.push(event.argumentsDelta);
      const id = event.id === undefined ? undefined : this.#redaction.redact(event.id);
      const name = event.name === undefined ? undefined : this.#redaction.redact(event.name);
      if (argumentsDelta !== '' || id !== undefined || name !== undefined) yield { type: 'tool_call', index: event.index, id, name, argumentsDelta };
      return;
    }
    yield* this.end();
    yield { type: 'done', response: await redactResponse(event.response, this.#redaction) };
  }

  /** The rest of every stream (the upstream finished, with or without a final event). */
  *end(): Generator<StreamEvent> {
    yield* this.#endText();
    for (const [index, stream] of this.#args) {
      const argumentsDelta = stream.end();
      if (argumentsDelta !== '') yield { type: 'tool_call', index, argumentsDelta };
    }
    this.#args.clear();
  }

  *#endText(): Generator<StreamEvent> {
    const rest = this.#text?.end() ?? '';
    this.#text = undefined;
    if (rest !== '') yield { type: 'text', delta: rest };
  }
}
