// What decides the agent's next step. The LLM planner asks a model through
// the gateway (OpenAI Chat Completions shape); the script planner replays a
// fixed list of tool calls, so an agent can do real, mediated work with no
// model configured (the `npm start` demonstration, tests).

import type { ToolSpec } from '../gateway/tool-specs.ts';
import type { GatewayClient } from './gateway-client.ts';

export interface ToolCall {
  id: string;
  /** Model-facing name, e.g. fs_read. */
  name: string;
  arguments: unknown;
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface Step {
  /** Text the planner said (final answer when there are no calls). */
  text: string | null;
  calls: ToolCall[];
  usage?: { prompt: number; completion: number };
}

export interface Planner {
  next(messages: readonly ChatMessage[], tools: readonly ToolSpec[]): Promise<Step>;
}

export function llmPlanner(client: GatewayClient, model: string): Planner {
  return {
    async next(messages, tools) {
      const reply = await client.chat({ model, messages, tools: tools.length > 0 ? tools : undefined });
      const choice = (reply.choices as { message: { content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] } }[] | undefined)?.[0];
      if (choice === undefined) throw new Error('the model returned no choices');
      const usage = reply.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
      return {
        text: choice.message.content,
        calls: (choice.message.tool_calls ?? []).map((c) => {
          let args: unknown;
          try { args = JSON.parse(c.function.arguments || '{}'); } catch { args = { _unparsable: c.function.arguments }; }
          return { id: c.id, name: c.function.name, arguments: args };
        }),
        usage: usage ? { prompt: usage.prompt_tokens ?? 0, completion: usage.completion_tokens ?? 0 } : undefined,
      };
    },
  };
}

export interface ScriptStep {
  tool: string;
  args: unknown;
}

/** Replays `steps` one call per turn, then finishes with `summary`. */
export function scriptPlanner(steps: readonly ScriptStep[], summary = 'script finished'): Planner {
  let index = 0;
  return {
    async next() {
      if (index >= steps.length) return { text: summary, calls: [] };
      const step = steps[index++];
      return { text: null, calls: [{ id: `call_${index}`, name: step.tool.replaceAll('.', '_'), arguments: step.args }] };
    },
  };
}
