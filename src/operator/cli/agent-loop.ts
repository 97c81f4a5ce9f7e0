// octant agent-loop: the built-in agent program, run inside an agent's
// sandbox by the system (not by operators). It reads its task from the
// read-only run directory, its token from a file (never the environment),
// and acts only through the gateway socket bound into the sandbox.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { gatewayClient } from '../../agent/loop/gateway-client.ts';
import { runLoop } from '../../agent/loop/loop.ts';
import { llmPlanner, scriptPlanner } from '../../agent/loop/planner.ts';
import { parseLoopTask } from '../../agent/loop/task.ts';
import type { Command } from './command.ts';

function need(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new OctantError('E_AGENT_LOOP_ENV', `agent-loop: ${name} is not set (the system sets it when it starts an agent)`, { exit: EXIT.usage });
  return value;
}

export const command: Command = {
  name: 'agent-loop',
  summary: '(inside a sandbox) the built-in agent loop the system runs for `octant run`',
  options: {},
  notes: 'Run by the system inside an agent sandbox. Reads $OCTANT_TOKEN_FILE, $OCTANT_GATEWAY and task.json beside the token.',
  async run(_parsed, { io }) {
    const tokenFile = need(io.env, 'OCTANT_TOKEN_FILE');
    const gateway = need(io.env, 'OCTANT_GATEWAY');
    const token = readFileSync(tokenFile, 'utf8').trim();
    const task = parseLoopTask(JSON.parse(readFileSync(join(tokenFile, '..', 'task.json'), 'utf8')));
    const client = gatewayClient(gateway, token);
    const planner = task.script ? scriptPlanner(task.script) : llmPlanner(client, task.model);
    const result = await runLoop({ task: task.task, client, planner, maxSteps: task.maxSteps, deadline: Number.MAX_SAFE_INTEGER, contextChars: task.contextChars });
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return result.reason === 'completed' ? 0 : 1;
  },
};
