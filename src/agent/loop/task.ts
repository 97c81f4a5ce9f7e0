// The task a built-in agent runs: written by the system into the agent's
// read-only run directory as task.json, read by `octant agent-loop` inside
// the sandbox. Validated on both sides.

import { EXIT, OctantError } from '../../lib/errors.ts';
import type { ScriptStep } from './planner.ts';

export interface LoopTask {
  task: string;
  /** Model or route name for the router; 'auto' picks by policy. */
  model: string;
  maxSteps: number;
  /** A fixed plan instead of a model (no provider needed). */
  script?: ScriptStep[];
  /** Compaction budget in characters of conversation (loop.ts DEFAULT_CONTEXT_CHARS when absent). */
  contextChars?: number;
}

function bad(field: string, message: string): OctantError {
  return new OctantError('E_TASK', `task.${field}: ${message}`, { exit: EXIT.usage });
}

export function parseLoopTask(value: unknown): LoopTask {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad('(task)', 'expected an object');
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!['task', 'model', 'maxSteps', 'script', 'contextChars'].includes(key)) throw bad(key, 'unknown field');
  if (typeof v.task !== 'string' || v.task.trim() === '' || v.task.length > 100_000) throw bad('task', 'expected a non-empty string of at most 100,000 characters');
  const model = v.model ?? 'auto';
  if (typeof model !== 'string' || !/^[A-Za-z0-9._:/-]{1,128}$/.test(model)) throw bad('model', 'expected a model or route name');
  const maxSteps = v.maxSteps ?? 20;
  if (typeof maxSteps !== 'number' || !Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 1000) throw bad('maxSteps', 'expected an integer from 1 to 1000');
  let script: ScriptStep[] | undefined;
  if (v.script !== undefined) {
    if (!Array.isArray(v.script) || v.script.length > 1000) throw bad('script', 'expected a list of at most 1000 steps');
    script = v.script.map((step, i) => {
      const s = step as Record<string, unknown> | null;
      if (s === null || typeof s !== 'object' || typeof s.tool !== 'string' || !/^[a-z][a-z0-9_.]{0,63}$/.test(s.tool)) throw bad(`script[${i}].tool`, 'expected a tool name');
      return { tool: s.tool, args: s.args ?? {} };
    });
  }
  const contextChars = v.contextChars;
  if (contextChars !== undefined && (typeof contextChars !== 'number' || !Number.isInteger(contextChars) || contextChars < 1000 || contextChars > 10_000_000)) {
    throw bad('contextChars', 'expected an integer from 1000 to 10,000,000 (characters of conversation kept before compaction)');
  }
  return { task: v.task, model, maxSteps, ...(script ? { script } : {}), ...(contextChars !== undefined ? { contextChars } : {}) };
}
