// The one CLI shape: every declaration is complete (summaries, option help),
// the things generated from it (man pages, completions, the exit-code table
// in docs/cli.md) agree with it, and every failure is reported in the one
// error format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { isGroup, walk, type Action } from './command.ts';
import { COMMANDS, loadCommands } from './commands.ts';
import { fishScript, zshScript } from './completion-scripts.ts';
import { asOctantError, formatError, wantsJson } from './error-report.ts';
import { commandPage, overviewPage, roff } from './man-page.ts';
import { exitCodeRows } from './usage.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('the command table is sorted and every declaration is complete: names, summaries, help for every option', async () => {
  const names = COMMANDS.map((c) => c.name);
  assert.deepEqual(names, [...names].sort());
  const commands = await loadCommands();
  const check = (path: string, a: Action): void => {
    assert.ok(a.summary.length > 0, `${path}: summary`);
    for (const [name, o] of Object.entries(a.options)) {
      assert.match(name, /^[a-z][a-z0-9-]*$/, `${path} --${name}`);
      assert.ok(o.help.length > 0, `${path} --${name}: help`);
      assert.notEqual(name, 'help', `${path}: --help is every action's own`);
      assert.notEqual(o.short, 'h', `${path}: -h is every action's own`);
    }
  };
  commands.forEach((c, i) => {
    assert.equal(c.name, names[i], 'the table names the module it loads');
    for (const { path, command } of walk(c)) {
      if (!isGroup(command)) { check(path.join(' '), command); continue; }
      assert.ok(command.summary.length > 0, `${path.join(' ')}: summary`);
      const subs = command.subcommands.map((s) => s.name);
      assert.ok(subs.length > 0, `${path.join(' ')}: has subcommands`);
      assert.equal(new Set(subs).size, subs.length, `${path.join(' ')}: subcommand names are unique`);
    }
  });
});

test('docs/cli.md lists exactly the exit codes of lib/errors.ts EXIT', () => {
  const doc = readFileSync(join(repo, 'docs', 'cli.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Exit codes'));
  const rows = [...section.matchAll(/^\| (\d+) \| `(\w+)` \| (.+) \|$/gm)].map((m) => [m[1], `${m[2]}: ${m[3]}`]);
  assert.deepEqual(rows, exitCodeRows());
});

test('man pages render with groff without a warning, one per command and the overview', async (t) => {
  if (spawnSync('sh', ['-c', 'command -v groff']).status !== 0) return t.skip('groff is not installed');
  const commands = await loadCommands();
  for (const page of [overviewPage(commands), ...commands.map(commandPage)]) {
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z'], { input: page, encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '', page.split('\n')[0]);
  }
  const ledger = commandPage(commands.find((c) => c.name === 'ledger')!);
  assert.match(ledger, /^\.SS "ledger verify"$/m);
  assert.match(ledger, /^\.B \\-\\-no\\-key$/m);
  assert.match(ledger, /^\.B 130$/m);
  assert.equal(roff(".start\n'quote\n-a \\x"), "\\&.start\n\\&'quote\n\\-a \\ex");
});

test('zsh and fish completions name every command, subcommand and option', async () => {
  const commands = await loadCommands();
  const zsh = zshScript(commands, ['ls']);
  const fish = fishScript(commands, ['ls']);
  for (const c of commands) {
    assert.match(zsh, new RegExp(`'${c.name}:`));
    assert.match(fish, new RegExp(`-a ${c.name} -d`));
    for (const { path } of walk(c).slice(1)) {
      const name = path.at(-1)!;
      assert.match(zsh, new RegExp(`'${name}:`), path.join(' '));
      assert.match(fish, new RegExp(`and not __fish_seen_subcommand_from [^"]*\\b${name}\\b[^"]*" -f -a ${name} -d`), path.join(' '));
    }
  }
  assert.match(zsh, /'--no-key:accept an integrity-only check/);
  assert.match(fish, /__fish_seen_subcommand_from ledger; and __fish_seen_subcommand_from tail" -l lines -s n -r/);
});

test('every failure is an E_ code: file errors name the path, others are E_INTERNAL with a hint', () => {
  const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'x.json'"), { code: 'ENOENT', path: 'x.json' });
  const file = asOctantError(enoent);
  assert.equal(file.code, 'E_IO');
  assert.equal(file.exit, EXIT.unavailable);
  assert.match(file.message, /^x\.json: ENOENT/);
  const eacces = asOctantError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/k' }));
  assert.equal(eacces.exit, EXIT.denied);
  const other = asOctantError(new SyntaxError('Unexpected end of JSON input'));
  assert.equal(other.code, 'E_INTERNAL');
  assert.ok(other.hint);
  // Twin: an OctantError is reported as it is.
  const own = new OctantError('E_X', 'named', { exit: EXIT.usage });
  assert.equal(asOctantError(own), own);
  assert.equal(formatError(own, false), 'error[E_X]: named\n');
  assert.deepEqual(JSON.parse(formatError(own, true)), { error: { code: 'E_X', message: 'named', hint: null, exit: 2 } });
  // Control characters from an agent are escaped in text; JSON escapes them itself.
  assert.doesNotMatch(formatError(new OctantError('E_X', 'a\u001b[2Jb'), false), /\u001b/);
  assert.equal(wantsJson(['ledger', 'show', '--json']), true);
  assert.equal(wantsJson(['run', 'm', '--', 'prog', '--json']), false);
});
