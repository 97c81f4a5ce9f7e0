// The agents service's admin endpoints, mounted under /v1/agents/ (what
// `octant agent ...` and `octant run` call). Declared here, apart from the
// runtime that serves them (agents-runtime.ts), so the service can mount
// them at start and load the runtime only with the first request.

import { endpoint } from '../../lib/http/route.ts';
import type { AgentRecord } from './records.ts';

const text = { type: 'string', minLength: 1 } as const;
const isolation = { type: 'string', enum: ['namespaces', 'gvisor'] } as const;
/** `octant run --approval FILE`: signed approvals, read field by field and verified by the manifest port. */
const approvals = { type: 'array', items: { type: 'any' }, maxItems: 16 } as const;
const oneAgent = { type: 'object', properties: { aid: text }, required: ['aid'] } as const;

export const AGENTS_API = {
  list: endpoint<AgentRecord[]>()({ method: 'GET', path: '/list' }),
  /** GET /inspect?aid=... */
  inspect: endpoint<AgentRecord>()({ method: 'GET', path: '/inspect' }),
  /** A wrapped or plain program under a signed manifest. */
  start: endpoint<AgentRecord>()({
    method: 'POST', path: '/start',
    body: { type: 'object', properties: { manifest: text, origin: { type: 'string' }, command: { type: 'array', items: { type: 'string' }, minItems: 1 }, parent: text, wrapped: { type: 'boolean' }, isolation, acceptUnenforcedLimits: { type: 'boolean' }, approvals }, required: ['manifest', 'command'] },
  }),
  /** The built-in loop: the command is the system's own `agent-loop`, the task a file in /run/octant. */
  run: endpoint<AgentRecord>()({
    method: 'POST', path: '/run',
    // The task is checked by the loop's own parser (agent/loop/task.ts).
    body: { type: 'object', properties: { manifest: text, origin: { type: 'string' }, task: { type: 'any' }, isolation, acceptUnenforcedLimits: { type: 'boolean' }, approvals }, required: ['manifest', 'task'] },
  }),
  /** Long request: answers once the agent is archived (octant run waits on it). */
  wait: endpoint<AgentRecord>()({ method: 'POST', path: '/wait', body: oneAgent }),
  suspend: endpoint<AgentRecord>()({ method: 'POST', path: '/suspend', body: oneAgent }),
  resume: endpoint<AgentRecord>()({ method: 'POST', path: '/resume', body: oneAgent }),
  stop: endpoint<AgentRecord>()({ method: 'POST', path: '/stop', body: { type: 'object', properties: { aid: text, reason: { type: 'string' } }, required: ['aid'] } }),
  /** GET /<aid>: one agent's record (the path-parameter form of /inspect). */
  get: endpoint<AgentRecord>()({ method: 'GET', path: '/:aid' }),
};
