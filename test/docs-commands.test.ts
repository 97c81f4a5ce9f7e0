// Every command line README.md and docs/*.md show is run here, in order,
// against dist/octant, each document in a fresh home directory (so
// ~/.octant is a new state root and the document's own earlier lines are
// its setup). A line must exit 0. A line that cannot run here says so in
// the document, with its reason: "(not run by the docs test: REASON)".
// Documented lines install things (/usr/local/bin, /opt, a systemd unit):
// each runs in a private mount namespace where those directories are the
// document's own scratch directories, so nothing reaches the host's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OCTANT } from './support/dist-octant.ts';
import type { ChildProcess } from 'node:child_process';
import { docCommands, docHome, runDocCommand, splitComment, startBackground, stopBackground } from './support/doc-commands.ts';

const REPO = join(import.meta.dirname, '..');
const DOCS = ['README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
function whySkip(): string | undefined {
  if (!existsSync(OCTANT)) return 'dist/octant is not built (npm test builds it)';
  if (process.getuid?.() !== 0) return 'needs root, to give the documented commands private /usr/local/bin, /opt and /etc/systemd/system';
  if (spawnSync('unshare', ['--mount', 'true']).status !== 0) return 'unshare (util-linux) cannot create a mount namespace here';
  return undefined;
}
const skip = whySkip();
if (skip !== undefined) process.stdout.write(`# skipping the documented command lines: ${skip}\n`);

test('the extractor takes shell-block command lines, joins continuations, reads the annotation, leaves other blocks alone', () => {
  const doc = [
    'text octant not-a-command',
    '```sh',
    'octant keys list            # trusted keys',
    'octant run m.json --task "a # b" \\',
    '  --json                    # (not run by the docs test: needs a model)',
    'systemctl daemon-reload',
    '$ npm test',
    'octant up   # (the docs test runs it in the background)',
    '```',
    '```',
    'octant agent list [--state S]',
    '```',
  ].join('\n');
  assert.deepEqual(docCommands('x.md', doc), [
    { file: 'x.md', line: 3, command: 'octant keys list' },
    { file: 'x.md', line: 4, command: 'octant run m.json --task "a # b"  --json', notRun: 'needs a model' },
    { file: 'x.md', line: 7, command: 'npm test' },
    { file: 'x.md', line: 8, command: 'octant up', background: true },
  ]);
  assert.deepEqual(splitComment("echo '#x' # c"), { command: "echo '#x'", comment: 'c' });
});

test('the README explains the annotation that keeps a documented line from running', () => {
  assert.match(readFileSync(join(REPO, 'README.md'), 'utf8'), /not run by the docs test: REASON/);
});

for (const file of DOCS) {
  const commands = docCommands(file, readFileSync(join(REPO, file), 'utf8'));
  if (commands.length === 0) continue;
  test(`every command line in ${file} runs`, { skip, timeout: 300_000 }, async (t) => {
    const { home, env } = docHome(OCTANT);
    let background: ChildProcess | undefined;
    try {
      for (const c of commands) {
        await t.test(`${file}:${c.line}: ${c.command}`, { skip: c.notRun === undefined ? undefined : `not run: ${c.notRun}` }, async () => {
          if (c.background) {
            assert.equal(background, undefined, `${file}:${c.line}: one background line per document`);
            background = await startBackground(c.command, home, env);
            return;
          }
          const result = runDocCommand(c.command, home, env);
          assert.equal(result.status, 0, `${file}:${c.line}: \`${c.command}\` exited ${result.status ?? result.signal}\n${result.stderr}${result.stdout.slice(0, 2000)}`);
        });
      }
    } finally {
      if (background !== undefined) await stopBackground(background, home, env);
      rmSync(home, { recursive: true, force: true });
    }
  });
}
