// agent.message and agent.inbox: a local, mediated queue between related
// agents (a parent and its children) until the comms service lands. Every
// message passes the gateway, so it is checked and recorded like any action;
// agents share no files, sockets or memory to talk to each other.

import type { Tool, ToolDescription } from './tool.ts';
import { deniedError, readArgs, stringArg } from './tool-errors.ts';

export interface Message {
  from: string;
  to: string;
  text: string;
  time: string;
}

export type Mailboxes = Map<string, Message[]>;

const MAX_QUEUE = 1000;

export interface MessageDeps {
  mailboxes: Mailboxes;
  /** May `from` message `to`? (parent ↔ child) */
  related(from: string, to: string): boolean;
}

const MAX_TEXT = 64 * 1024;

export const messageDescription: ToolDescription = {
  name: 'agent.message',
  action: 'message.send',
  description: 'Send a text message to your parent or one of your children (by AID).',
  parameters: { type: 'object', properties: { to: { type: 'string', maxLength: 64 }, text: { type: 'string', maxLength: MAX_TEXT } }, required: ['to', 'text'], additionalProperties: false },
  limits: [`an inbox holds at most ${MAX_QUEUE} messages; sending to a full one is refused`],
};

export const inboxDescription: ToolDescription = {
  name: 'agent.inbox',
  action: 'message.send',
  description: 'Read and empty your inbox of messages from your parent and children.',
  parameters: { type: 'object', properties: {}, additionalProperties: false },
};

export function messageTools(deps: MessageDeps): [Tool<{ to: string; text: string }>, Tool<Record<string, never>>] {
  const send: Tool<{ to: string; text: string }> = {
    ...messageDescription,
    parse(raw) {
      const args = readArgs('agent.message', raw, ['to', 'text']);
      return { to: stringArg('agent.message', args, 'to', { max: 64 })!, text: stringArg('agent.message', args, 'text', { max: MAX_TEXT })! };
    },
    check(session, args) {
      if (!deps.related(session.aid, args.to)) throw deniedError('agent.message', `${args.to} is not your parent or child`);
      const queue = deps.mailboxes.get(args.to) ?? [];
      if (queue.length >= MAX_QUEUE) throw deniedError('agent.message', `${args.to}'s inbox is full`);
      return { target: args.to, evidence: { bytes: Buffer.byteLength(args.text) } };
    },
    async perform(session, args) {
      const queue = deps.mailboxes.get(args.to) ?? [];
      queue.push({ from: session.aid, to: args.to, text: args.text, time: new Date().toISOString() });
      deps.mailboxes.set(args.to, queue);
      return { delivered: true };
    },
  };
  const inbox: Tool<Record<string, never>> = {
    ...inboxDescription,
    parse: (raw) => (readArgs('agent.inbox', raw ?? {}, []), {}),
    check: (session) => ({ target: session.aid }),
    async perform(session) {
      const messages = deps.mailboxes.get(session.aid) ?? [];
      deps.mailboxes.delete(session.aid);
      return { messages };
    },
  };
  return [send, inbox];
}
