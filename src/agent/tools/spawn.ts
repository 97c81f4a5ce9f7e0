// agent.spawn: start a child agent from a signed manifest the agent can read
// (an agent cannot sign: an operator signed the child's manifest). The
// lifecycle manager validates it against the parent: the child's effective
// manifest is the intersection, and the spawn budgets apply. Spawning is
// critical by system policy (an operator approves each child).

import type { AgentRecord } from '../lifecycle/records.ts';
import type { Tool, ToolDescription } from './tool.ts';
import { readArgs, stringArg } from './tool-errors.ts';
import { locate, readable } from './fs-paths.ts';
import { readFile } from './fs-ops.ts';
import { deniedError } from './tool-errors.ts';

/** A signed manifest is small; a larger file is not one. */
const MAX_MANIFEST = 1024 * 1024;

export interface SpawnDeps {
  /** Start a child from the signed manifest's text (read by the tool, as the agent, beneath its grant). */
  start(manifest: { text: string; origin: string }, task: string): Promise<AgentRecord>;
}

const MAX_TASK = 100_000;

export const spawnDescription: ToolDescription = {
  name: 'agent.spawn',
  action: 'spawn',
  description: 'Start a child agent from a signed manifest file you can read, with a task. It gets at most your own permissions.',
  parameters: { type: 'object', properties: { manifest: { type: 'string', description: 'path of a signed manifest', maxLength: 4096 }, task: { type: 'string', maxLength: MAX_TASK } }, required: ['manifest', 'task'], additionalProperties: false },
  limits: [`the manifest file is at most ${MAX_MANIFEST} bytes`, 'critical by system policy: each spawn waits for an operator\'s approval'],
};

export function spawnTool(deps: SpawnDeps): Tool<{ manifest: string; task: string }> {
  return {
    ...spawnDescription,
    parse(raw) {
      const args = readArgs('agent.spawn', raw, ['manifest', 'task']);
      return { manifest: stringArg('agent.spawn', args, 'manifest')!, task: stringArg('agent.spawn', args, 'task', { max: MAX_TASK })! };
    },
    check(session, args) {
      if (!session.manifest.spawning.allowed) throw deniedError('agent.spawn', 'this agent\'s manifest does not allow spawning');
      const path = locate('agent.spawn', args.manifest, readable(session), 'read', session).path;
      return { target: path, critical: 'spawning a child agent', evidence: { task: args.task.slice(0, 500) } };
    },
    async perform(session, args) {
      const located = locate('agent.spawn', args.manifest, readable(session), 'read', session);
      const read = readFile('agent.spawn', session, located, MAX_MANIFEST);
      if (read.truncated) throw deniedError('agent.spawn', `${located.path} is larger than ${MAX_MANIFEST} bytes: not a signed manifest`);
      const child = await deps.start({ text: read.text, origin: located.path }, args.task);
      return { aid: child.aid, name: child.name, state: child.state };
    },
  };
}
