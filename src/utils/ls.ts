// ls [-a] [-l] [-1] [PATH...]: list directory contents, sorted by name.
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Utility } from './utility.ts';

function mode(stats: Stats): string {
  const type = stats.isDirectory() ? 'd' : stats.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx'.split('').map((c, i) => (stats.mode & (1 << (8 - i)) ? c : '-')).join('');
  return type + bits;
}

function longLine(name: string, stats: Stats): string {
  const date = stats.mtime.toISOString().slice(0, 16).replace('T', ' ');
  return `${mode(stats)} ${String(stats.nlink).padStart(2)} ${String(stats.uid).padStart(5)} ${String(stats.gid).padStart(5)} ${String(stats.size).padStart(9)} ${date} ${name}`;
}

export const lsUtility: Utility = {
  name: 'ls',
  usage: 'ls [-a] [-l] [-1] [PATH]...: list directory contents',
  run: async (argv, io) => {
    const flags = new Set<string>();
    const targets: string[] = [];
    for (const arg of argv) {
      if (arg.startsWith('-') && arg.length > 1) {
        for (const f of arg.slice(1)) {
          if (!'al1'.includes(f)) {
            io.stderr.write(`ls: invalid option -- '${f}'\n`);
            return 2;
          }
          flags.add(f);
        }
      } else targets.push(arg);
    }
    if (targets.length === 0) targets.push('.');
    let status = 0;
    targets.forEach((target, index) => {
      const path = resolve(io.cwd, target);
      let stats: Stats;
      try {
        stats = lstatSync(path);
      } catch {
        io.stderr.write(`ls: cannot access '${target}': No such file or directory\n`);
        status = 2;
        return;
      }
      if (!stats.isDirectory()) {
        io.stdout.write(`${flags.has('l') ? longLine(target, stats) : target}\n`);
        return;
      }
      if (targets.length > 1) io.stdout.write(`${index > 0 ? '\n' : ''}${target}:\n`);
      const names = readdirSync(path).filter((n) => flags.has('a') || !n.startsWith('.')).sort();
      for (const name of names) {
        io.stdout.write(`${flags.has('l') ? longLine(name, lstatSync(join(path, name))) : name}\n`);
      }
    });
    return status;
  },
};
