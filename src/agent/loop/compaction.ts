// Conversation compaction for the built-in loop (docs/memory.md
// "Compaction"). When the conversation grows past its budget (characters of
// its JSON), the older turns are dropped; what they held is written to the
// agent's memory FIRST (log first: each memory.put has been answered, so the
// memory is durable, before a single turn is dropped). The dropped turns are
// replaced by one short marker; their content comes back when relevant, by
// the retrieval every step does (recall.ts).
//
// Turns are cut only at an assistant message, so a tool reply is never
// separated from the call it answers (Chat Completions requires the pair).
// What is written is the turns' own text, not a model's summary of it: no
// extra model call, and nothing lost between the turn and the memory.

import type { ToolReply } from '../gateway/mediator.ts';
import type { ChatMessage } from './planner.ts';

/** The memory.put the compaction writes through (the gateway's tool call). */
export type Remember = (args: { text: string; tags: string[]; importance: number }) => Promise<ToolReply>;

export interface CompactionResult {
  messages: ChatMessage[];
  dropped: number;
  /** Notes written to memory. */
  remembered: number;
  /** Characters of dropped text not written (over the per-compaction cap). */
  unwritten: number;
}

/** One memory note at most this long (memory.put takes 16 KiB). */
const NOTE_CHARS = 8000;
/** What one compaction writes at most: the rest of a huge tool output is dropped unwritten. */
const MAX_NOTES = 32;
/** Messages always kept at the head: the system prompt and the task. */
const HEAD = 2;

export function conversationChars(messages: readonly ChatMessage[]): number {
  return JSON.stringify(messages).length;
}

/** The text a turn holds, as it is remembered. */
function turnText(message: ChatMessage): string {
  if (message.role === 'assistant') {
    const calls = (message.tool_calls ?? []).map((c) => `called ${c.function.name}(${c.function.arguments})`);
    return [message.content ?? '', ...calls].filter((x) => x !== '').join('\n');
  }
  if (message.role === 'tool') return `tool result: ${message.content}`;
  return message.content;
}

/** Where to cut so the kept tail fits half the budget, at an assistant message; HEAD when nothing can go. */
function cutIndex(messages: readonly ChatMessage[], budget: number): number {
  let tail = 0;
  let cut = messages.length;
  for (let i = messages.length - 1; i >= HEAD; i--) {
    tail += JSON.stringify(messages[i]).length;
    if (messages[i].role === 'assistant') {
      if (tail > budget / 2) break;
      cut = i;
    }
  }
  // Always drop something once over budget: keep at least the last assistant turn.
  if (cut === messages.length || cut === HEAD) {
    for (let i = messages.length - 1; i > HEAD; i--) if (messages[i].role === 'assistant') return i;
    return HEAD;
  }
  return cut;
}

function chunks(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += NOTE_CHARS) out.push(text.slice(i, i + NOTE_CHARS));
  return out;
}

/**
 * Compact when over `budget`. With `remember` (the agent has memory), the
 * dropped turns are written first; if any write is refused or fails, nothing
 * is dropped (the caller decides what to do with a conversation it could not
 * compact). Without memory, the turns are dropped and the marker says so.
 */
export async function compact(messages: readonly ChatMessage[], budget: number, step: number, remember?: Remember): Promise<CompactionResult | { failed: string }> {
  const cut = cutIndex(messages, budget);
  if (cut <= HEAD) return { failed: 'nothing to drop: the head alone is over the budget' };
  const dropped = messages.slice(HEAD, cut);
  let remembered = 0;
  let unwritten = 0;
  if (remember !== undefined) {
    const notes = chunks(dropped.map(turnText).join('\n\n'));
    unwritten = notes.slice(MAX_NOTES).reduce((n, c) => n + c.length, 0);
    for (const text of notes.slice(0, MAX_NOTES)) {
      const reply = await remember({ text, tags: ['compaction', `step-${step}`], importance: 0.6 });
      if (!reply.ok) return { failed: `memory.put refused: ${reply.error.code} ${reply.error.message}` };
      remembered++;
    }
  }
  const marker: ChatMessage = {
    role: 'user',
    content: remember !== undefined
      ? `[${dropped.length} earlier messages of this conversation were compacted into your memory; what is relevant to each step is retrieved for you]`
      : `[${dropped.length} earlier messages of this conversation were dropped to stay within the context budget]`,
  };
  return { messages: [...messages.slice(0, HEAD), marker, ...messages.slice(cut)], dropped: dropped.length, remembered, unwritten };
}
