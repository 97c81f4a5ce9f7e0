// Man pages (roff, man(7) macros) made from the same declarations as the
// usage text: `octant help --man [COMMAND]`, read with `man -l -`.
// Sections as man-pages(7) orders them: NAME, SYNOPSIS, DESCRIPTION,
// OPTIONS (or COMMANDS), EXIT STATUS, SEE ALSO.

import { buildInfo } from '../../lib/build-info.ts';
import { actionsOf, isGroup, type Action, type Command } from './command.ts';
import { exitCodeRows, optionRows, synopsisOf } from './usage.ts';

/** Text as roff reads it: backslashes and hyphens escaped, no line starting with a control character. */
export function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

function header(title: string): string[] {
  return [`.TH ${roff(title.toUpperCase())} 1 "" "octant ${roff(buildInfo().version)}" "OctantOS Manual"`];
}

function paragraph(text: string): string[] {
  return ['.PP', '.nf', roff(text), '.fi'];
}

function options(action: Action): string[] {
  return optionRows(action.options).flatMap(([label, help]) => ['.TP', `.B ${roff(label)}`, roff(help)]);
}

function synopsis(path: string, action: Action): string[] {
  return ['.nf', ...synopsisOf(action).map((form) => `\\fBoctant ${roff(path)}\\fR ${roff(form)}`.trimEnd()), '.fi'];
}

function exitStatus(): string[] {
  return ['.SH "EXIT STATUS"', ...exitCodeRows().flatMap(([code, meaning]) => ['.TP', `.B ${code}`, roff(meaning)])];
}

/** octant-COMMAND(1): a command, with every subcommand's synopsis and options (nested groups flattened). */
export function commandPage(command: Command): string {
  const lines = [...header(`octant-${command.name}`), '.SH NAME', `octant\\-${roff(command.name)} \\- ${roff(command.summary)}`, '.SH SYNOPSIS'];
  if (isGroup(command)) {
    const actions = actionsOf(command);
    lines.push('.nf', ...actions.map(({ path, action }) => `\\fBoctant ${roff(path.join(' '))}\\fR ${roff(synopsisOf(action)[0])}`.trimEnd()), '.fi');
    lines.push('.SH DESCRIPTION', roff(command.summary));
    if (command.notes !== undefined) lines.push(...paragraph(command.notes));
    lines.push('.SH COMMANDS');
    for (const { path, action } of actions) {
      lines.push(`.SS "${roff(path.join(' '))}"`, ...synopsis(path.join(' '), action), '.PP', roff(action.summary), ...options(action));
      if (action.notes !== undefined) lines.push(...paragraph(action.notes));
    }
  } else {
    lines.push(...synopsis(command.name, command), '.SH DESCRIPTION', roff(command.summary));
    if (command.notes !== undefined) lines.push(...paragraph(command.notes));
    lines.push('.SH OPTIONS', ...options(command));
  }
  lines.push(...exitStatus(), '.SH "SEE ALSO"', '\\fBoctant\\fR(1)');
  return `${lines.join('\n')}\n`;
}

/** octant(1): the commands, each pointing at its own page. */
export function overviewPage(commands: readonly Command[]): string {
  const lines = [
    ...header('octant'), '.SH NAME', 'octant \\- OctantOS: agents confined by signed capability manifests',
    '.SH SYNOPSIS', '.nf', '\\fBoctant\\fR [\\-\\-root \\fIDIR\\fR] \\fIcommand\\fR [\\fIargs\\fR...]', '\\fBoctant\\fR \\fIutility\\fR [\\fIargs\\fR...]', '.fi',
    '.SH COMMANDS', ...commands.flatMap((c) => ['.TP', `.B ${roff(c.name)}`, roff(c.summary)]),
    ...exitStatus(),
    '.SH "SEE ALSO"', commands.map((c) => `\\fBoctant\\-${roff(c.name)}\\fR(1)`).join(', '),
  ];
  return `${lines.join('\n')}\n`;
}
