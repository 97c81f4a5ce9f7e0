// Tools as a model sees them: OpenAI-style function specs. Dots are not
// allowed in function names, so "fs.read" is offered as "fs_read"; the
// gateway maps the name back.

import type { AnyTool } from '../tools/tool.ts';

export interface ToolSpec {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export function modelToolName(name: string): string {
  return name.replaceAll('.', '_');
}

export function toolSpecs(tools: readonly AnyTool[]): ToolSpec[] {
  return tools.map((t) => ({ type: 'function', function: { name: modelToolName(t.name), description: t.description, parameters: t.parameters } }));
}
