// Usage text of every command, subcommand and option, generated from the
// declarations (command.ts): one format everywhere (docs/cli.md "Usage").
//
//   usage: octant <path> <synopsis>        one line per form
//          octant <path> <other form>
//
//   <summary>
//
//   options:                                (or "subcommands:" for a group)
//     -n, --lines N   <help>
//
//   <notes>

import { EXIT, EXIT_MEANING } from '../../lib/errors.ts';
import type { Action, Command, Group, OptionSpec, OptionSpecs } from './command.ts';
import { isGroup } from './command.ts';

/** Every action answers --help / -h; listed with its options. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' };

/** `-n, --lines N` */
export function optionLabel(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
  return spec.short === undefined ? long : `-${spec.short}, ${long}`;
}

/** Two columns: the label, then its help (on the next line when the label is long). */
export function twoColumns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.min(28, Math.max(0, ...rows.map(([left]) => left.length)));
  return rows.flatMap(([left, right]) => (left.length > width
    ? [`  ${left}`, `  ${''.padEnd(width)}  ${right}`]
    : [`  ${left.padEnd(width)}  ${right}`]));
}

export function optionRows(options: OptionSpecs): [string, string][] {
  const rows: [string, string][] = Object.entries(options).map(([name, spec]) => [optionLabel(name, spec), `${spec.help}${spec.multiple ? ' (repeatable)' : ''}`]);
  return [...rows, [optionLabel('help', HELP_OPTION), HELP_OPTION.help]];
}

/** The forms of an action after `octant <path>`. */
export function synopsisOf(action: Action): readonly string[] {
  return action.synopsis ?? [Object.keys(action.options).length > 0 ? '[options]' : ''];
}

function usageLines(path: string, forms: readonly string[]): string[] {
  return forms.map((form, i) => `${i === 0 ? 'usage:' : '      '} octant ${path}${form === '' ? '' : ` ${form}`}`);
}

export function actionUsage(path: string, action: Action): string {
  const lines = [...usageLines(path, synopsisOf(action)), '', action.summary, '', 'options:', ...twoColumns(optionRows(action.options))];
  if (action.notes !== undefined) lines.push('', action.notes);
  return lines.join('\n');
}

export function groupUsage(path: string, group: Group): string {
  const lines = [
    ...usageLines(path, ['<subcommand> [options] [args]']), '', group.summary, '',
    'subcommands:', ...twoColumns(group.subcommands.map((s) => [s.name, s.summary])),
  ];
  if (group.notes !== undefined) lines.push('', group.notes);
  lines.push('', `'octant ${path} <subcommand> --help' shows a subcommand's usage and options.`);
  return lines.join('\n');
}

/** The usage of the command at `path` (`ledger verify`). */
export function usageAt(path: string, command: Command): string {
  return isGroup(command) ? groupUsage(path, command) : actionUsage(path, command);
}

/** The usage of `octant <command> ...words`: of the deepest subcommand the leading words name. */
export function usageFor(command: Command, words: readonly string[]): string {
  let node = command;
  let path = command.name;
  for (const word of words) {
    const next = isGroup(node) ? node.subcommands.find((s) => s.name === word) : undefined;
    if (next === undefined) break;
    node = next;
    path = `${path} ${word}`;
  }
  return usageAt(path, node);
}

/** The exit-code table (lib/errors.ts EXIT), one row per code: `octant help exit-codes`, man pages, docs/cli.md. */
export function exitCodeRows(): [string, string][] {
  return Object.entries(EXIT).map(([name, code]) => [String(code), `${name}: ${EXIT_MEANING[code]}`]);
}
