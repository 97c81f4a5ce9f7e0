// ls [-a] [-l] [-1] [PATH...]: list directory contents, sorted by name.
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Io } from '../lib/io.ts';
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

function usage(io: Io, what: string): number {
  io.stderr.write(`ls: ${what}\nTry 'octant help ls' for more information.\n`);
  return 2;
}

// Byte order, as GNU ls sorts under LC_ALL=C (we have no locale tables).
const byName = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export const lsUtility: Utility = {
  name: 'ls',
  usage: 'ls [-a] [-l] [-1] [PATH]...: list directory contents, sorted by name (-a: with dot files, . and ..)',
  run: async (argv, io) => {
    const flags = new Set<string>();
    const targets: string[] = [];
    let options = true;
    for (const arg of argv) {
      if (options && arg === '--') options = false;
      else if (options && arg === '--all') flags.add('a');
      else if (options && arg.startsWith('--')) return usage(io, `unrecognized option '${arg}'`);
      else if (options && arg.startsWith('-') && arg.length > 1) {
        for (const f of arg.slice(1)) {
          if (!'al1'.includes(f)) return usage(io, `invalid option -- '${f}'`);
          flags.add(f);
        }
      } else targets.push(arg);
    }
    if (targets.length === 0) targets.push('.');
    const line = (name: string, stats: Stats): string => `${flags.has('l') ? longLine(name, stats) : name}\n`;
    // As GNU: a missing operand is reported first and makes the exit 2; file
    // operands are listed before directories, each group sorted.
    let status = 0;
    const files: Array<[string, Stats]> = [];
    const dirs: string[] = [];
    for (const target of targets) {
      let stats: Stats;
      try {
        stats = lstatSync(resolve(io.cwd, target));
      } catch {
        io.stderr.write(`ls: cannot access '${target}': No such file or directory\n`);
        status = 2;
        continue;
      }
      if (stats.isDirectory()) dirs.push(target);
      else files.push([target, stats]);
    }
    files.sort((a, b) => byName(a[0], b[0]));
    dirs.sort(byName);
    for (const [name, stats] of files) io.stdout.write(line(name, stats));
    dirs.forEach((target, index) => {
      const path = resolve(io.cwd, target);
      if (targets.length > 1) io.stdout.write(`${index > 0 || files.length > 0 ? '\n' : ''}${target}:\n`);
      const names = readdirSync(path).filter((n) => flags.has('a') || !n.startsWith('.'));
      if (flags.has('a')) names.push('.', '..');
      for (const name of names.sort(byName)) io.stdout.write(line(name, lstatSync(join(path, name))));
    });
    return status;
  },
};
