// Stream framings of response bodies: Server-Sent Events (WHATWG HTML
// §9.2.6 "Interpreting an event stream") and newline-delimited JSON (Ollama).

import { StringDecoder } from 'node:string_decoder';
import { asOutboundError } from './outbound-error.ts';

/** Lines of a byte stream, without their terminators. */
export async function* lines(body: AsyncIterable<Buffer>, label: string): AsyncIterable<string> {
  let buffer = '';
  // A multi-byte character may be split across two chunks.
  const utf8 = new StringDecoder('utf8');
  try {
    for await (const chunk of body) {
      buffer += utf8.write(chunk);
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        yield line.endsWith('\r') ? line.slice(0, -1) : line;
      }
    }
  } catch (error) {
    throw asOutboundError(error, label);
  }
  buffer += utf8.end();
  if (buffer !== '') yield buffer;
}

export interface SseEvent {
  event: string;
  data: string;
}

/** SSE events; `event` is 'message' when the stream names none. */
export async function* sseEvents(body: AsyncIterable<Buffer>, label: string): AsyncIterable<SseEvent> {
  let event = '';
  let data: string[] = [];
  for await (const line of lines(body, label)) {
    if (line === '') {
      if (data.length > 0) yield { event: event || 'message', data: data.join('\n') };
      event = '';
      data = [];
    } else if (line.startsWith(':')) {
      continue; // comment / keep-alive
    } else {
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
  }
  if (data.length > 0) yield { event: event || 'message', data: data.join('\n') };
}
