// octant install-links DIR: one symlink per built-in utility, pointing at
// this executable, so that `DIR/ls` runs the built-in ls.
import { mkdirSync, readlinkSync, symlinkSync, lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { boolFlag, requirePositional, stringFlag } from '../../lib/args.ts';
import { OctantError } from '../../lib/errors.ts';
import { UTILITIES } from '../../utils/index.ts';
import type { Command } from './command.ts';

export const command: Command = {
  name: 'install-links',
  summary: 'create a link per built-in utility in a directory',
  synopsis: ['DIR [--force] [--target PATH]'],
  options: {
    force: { type: 'boolean', help: 'replace a file or link already there' },
    target: { type: 'string', value: 'PATH', help: 'what the links point at (default: this executable)' },
  },
  async run(parsed, { io }) {
    const dir = resolve(io.cwd, requirePositional(parsed, 0, 'DIR (where to create the links)', 'install-links'));
    const target = resolve(io.cwd, stringFlag(parsed, 'target') ?? process.execPath);
    mkdirSync(dir, { recursive: true });
    let created = 0;
    for (const utility of UTILITIES) {
      const link = join(dir, utility.name);
      let existing: string | undefined;
      try {
        existing = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : '(not a link)';
      } catch {
        existing = undefined;
      }
      if (existing === target) continue;
      if (existing !== undefined && !boolFlag(parsed, 'force')) {
        throw new OctantError('E_LINK_EXISTS', `install-links: ${link} already exists (${existing})`, { hint: 'pass --force to replace it' });
      }
      if (existing !== undefined) (await import('node:fs')).rmSync(link);
      symlinkSync(target, link);
      created++;
    }
    io.stdout.write(`${created} link(s) created in ${dir} -> ${target}\n`);
    return 0;
  },
};
