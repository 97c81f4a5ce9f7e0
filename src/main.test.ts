// Multicall dispatch: the invoked name (argv[1] under the executable, a link
// named after a utility) selects a utility; otherwise the first argument does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invokedName, main } from './main.ts';
import { memoryIo } from './lib/memory-io.ts';
import { UTILITIES } from './utils/index.ts';

async function run(argv: string[], options: { cwd?: string; stdin?: string } = {}) {
  const mem = memoryIo(options);
  const status = await main(argv, mem.io);
  return { status, stdout: mem.stdout(), stderr: mem.stderr() };
}

test('the invoked name is the basename of argv[1], without a script extension', () => {
  assert.equal(invokedName(['/usr/bin/node', '/opt/bin/ls']), 'ls');
  assert.equal(invokedName(['/usr/bin/node', '/repo/src/main.ts']), 'main');
  assert.equal(invokedName(['/dist/octant', '/dist/octant']), 'octant');
  assert.equal(invokedName(['/dist/octant']), 'octant');
});

test('a link named after a utility runs that utility with the rest of argv', async () => {
  assert.deepEqual(await run(['/x/octant', '/links/echo', 'hi', 'there']), { status: 0, stdout: 'hi there\n', stderr: '' });
  assert.equal((await run(['/x/octant', '/links/true'])).status, 0);
  assert.equal((await run(['/x/octant', '/links/false'])).status, 1);
  assert.equal((await run(['/x/octant', '/links/cat'], { stdin: 'piped' })).stdout, 'piped');
  const dir = mkdtempSync(join(tmpdir(), 'octant-main-'));
  try {
    writeFileSync(join(dir, 'only-file'), '');
    assert.equal((await run(['/x/octant', '/links/ls'], { cwd: dir })).stdout, 'only-file\n');
    // Through the link, `version` is an argument to ls, not a command.
    const asLs = await run(['/x/octant', '/links/ls', 'version'], { cwd: dir });
    assert.equal(asLs.status, 2);
    assert.match(asLs.stderr, /ls: cannot access 'version'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('invoked as octant, the first argument names a utility or a command', async () => {
  assert.equal((await run(['/x/octant', '/x/octant', 'echo', '-n', 'a'])).stdout, 'a');
  assert.equal((await run(['/x/octant', '/x/octant', 'false'])).status, 1);
  assert.match((await run(['/x/octant', '/x/octant', 'version'])).stdout, /^octant \d+\.\d+\.\d+/);
  assert.match((await run(['/x/octant', '/x/octant', 'help', 'ls'])).stdout, /^ls \[-a\]/);
});

test('an unknown name exits 2 and suggests the closest commands and utilities', async () => {
  const out = await run(['/x/octant', '/x/octant', 'ehco']);
  assert.equal(out.status, 2);
  assert.match(out.stderr, /error\[E_UNKNOWN_COMMAND\]: octant: 'ehco' is not a command or utility/);
  assert.match(out.stderr, /hint: did you mean: [^\n]*echo/);
  // A link with a name that is no utility falls back to the command line.
  assert.equal((await run(['/x/octant', '/links/frobnicate', 'idnetity'])).status, 2);
  assert.equal((await run(['/x/octant', '/x/octant'])).status, 2);
});

test('a utility given only --help prints its usage and exits 0, as a command or through a link; twin: with more arguments it is data', async () => {
  for (const u of UTILITIES) {
    assert.deepEqual(await run(['/x/octant', '/x/octant', u.name, '--help']), { status: 0, stdout: `${u.usage}\n`, stderr: '' });
    assert.deepEqual(await run(['/x/octant', `/links/${u.name}`, '--help']), { status: 0, stdout: `${u.usage}\n`, stderr: '' });
  }
  assert.equal((await run(['/x/octant', '/links/echo', '--help', 'x'])).stdout, '--help x\n');
});

test('the utility table is sorted, names are unique, every entry has usage', () => {
  const names = UTILITIES.map((u) => u.name);
  assert.deepEqual(names, [...names].sort());
  assert.equal(new Set(names).size, names.length);
  for (const u of UTILITIES) assert.ok(u.usage.startsWith(u.name), u.name);
});

test('--help and -h on every command and every declared subcommand print its generated usage and exit 0', async () => {
  const { COMMANDS } = await import('./operator/cli/commands.ts');
  const { walk } = await import('./operator/cli/command.ts');
  const { usageAt } = await import('./operator/cli/usage.ts');
  let checked = 0;
  for (const entry of COMMANDS) {
    for (const { path, command } of walk(await entry.load())) {
      const usage = usageAt(path.join(' '), command);
      assert.match(usage, new RegExp(`^usage: octant ${path.join(' ')}`));
      for (const flag of ['--help', '-h']) {
        const r = await run(['/x/octant', '/x/octant', ...path, flag]);
        assert.equal(r.status, 0, `${path.join(' ')} ${flag}: ${r.stderr}`);
        assert.equal(r.stdout, `${usage}\n`);
        assert.equal(r.stderr, '');
        checked += 1;
      }
      // `octant help CMD [SUB...]` prints the same text.
      assert.equal((await run(['/x/octant', '/x/octant', 'help', ...path])).stdout, `${usage}\n`);
    }
  }
  assert.ok(checked > 100, `checked ${checked} command lines`);
});

test('--help after -- belongs to the wrapped program, not to octant', async () => {
  const { asksForHelp } = await import('./operator/cli/dispatch.ts');
  assert.equal(asksForHelp(['m.json', '--', 'python3', '--help']), false);
  assert.equal(asksForHelp(['m.json', '-h', '--', 'python3']), true);
  assert.equal(asksForHelp(['list']), false);
});
