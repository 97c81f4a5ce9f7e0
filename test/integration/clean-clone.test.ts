// From a clean clone, the way a new user starts: `git clone` of this
// commit into an empty directory (nothing beside it: no ../shared), the
// dependencies the checkout already has (node_modules linked, as `npm ci
// --offline` would install the same pinned packages), then the README's
// two commands' equivalents: build and `octant up` running the example
// agent (`--once`), the typecheck and one test file (the suite is not run
// inside itself; the Merkle test is the one that once read ../shared), and
// then the README's "Using it" lines in order, as the docs test runs them
// (`octant up` in the background, so the lines after it talk to a running
// system), with the clone's own executable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { agentSkip } from '../support/dist-octant.ts';
import { docCommands, docHome, runDocCommand, startBackground, stopBackground } from '../support/doc-commands.ts';

const REPO = join(import.meta.dirname, '..', '..');

function whySkip(): string | false {
  if (agentSkip) return agentSkip;
  if (spawnSync('git', ['--version']).status !== 0) return 'git is not installed';
  if (spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO }).status !== 0) return 'not a git checkout';
  if (!existsSync(join(REPO, 'node_modules', '.bin', 'tsc'))) return 'node_modules is not installed (npm ci)';
  if (spawnSync('unshare', ['--mount', 'true']).status !== 0) return 'unshare cannot create a mount namespace here';
  return false;
}
const skip = whySkip();
if (skip) console.log(`# skipping the clean-clone test: ${skip}`);

/** The "Using it" block of a README: its shell lines. */
function usingIt(readme: string) {
  const start = readme.indexOf('## Using it');
  assert.ok(start >= 0, 'README.md has a "Using it" section');
  const end = readme.indexOf('\n## ', start + 1);
  return docCommands('README.md', readme.slice(start, end === -1 ? undefined : end));
}

test('a clean clone builds, runs the example agent, typechecks, passes a test file, and the README\'s "Using it" lines work', { skip, timeout: 900_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'octant-clone-'));
  // A checkout anywhere a user keeps one: agents (their own uids) can reach the executable in it.
  chmodSync(work, 0o755);
  const clone = join(work, 'octant');
  let up: ChildProcess | undefined;
  let home = '';
  let env: Record<string, string> = {};
  try {
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim();
    const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' });
    const cloned = git('clone', '--quiet', '--no-checkout', REPO, clone);
    assert.equal(cloned.status, 0, cloned.stderr);
    const checkout = git('-C', clone, 'checkout', '--quiet', head);
    assert.equal(checkout.status, 0, checkout.stderr);
    assert.deepEqual(readdirSync(work), ['octant'], 'nothing beside the clone');
    assert.ok(!existsSync(join(dirname(clone), 'shared')));
    symlinkSync(realpathSync(join(REPO, 'node_modules')), join(clone, 'node_modules'));

    const node = process.execPath;
    const inClone = (program: string, args: string[], timeout = 600_000) => {
      const r = spawnSync(program, args, { cwd: clone, encoding: 'utf8', timeout, env: { PATH: `${join(clone, 'node_modules', '.bin')}:/usr/bin:/bin`, HOME: work } });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    };
    // npm start = node scripts/build.ts && ./dist/octant up (here --once: it stops after the example).
    const build = inClone(node, ['scripts/build.ts']);
    assert.equal(build.status, 0, build.out);
    const octant = join(clone, 'dist', 'octant');
    const demo = inClone(octant, ['--root', join(work, 'demo-root'), 'up', '--once']);
    assert.equal(demo.status, 0, demo.out);
    assert.match(demo.out, /ledger verify|verified|ok/i);
    // npm test, without running itself: the typecheck and one test file.
    const typecheck = inClone(join(clone, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.']);
    assert.equal(typecheck.status, 0, typecheck.out);
    const merkle = inClone(node, ['--test', 'src/services/ledger/merkle.test.ts']);
    assert.equal(merkle.status, 0, merkle.out);
    assert.match(merkle.out, /^ℹ pass [1-9]/m);
    assert.match(merkle.out, /^ℹ fail 0$/m);

    // "Using it", in order, with the clone's executable as `octant`.
    const lines = usingIt(readFileSync(join(clone, 'README.md'), 'utf8'));
    assert.ok(lines.some((l) => l.command === 'octant up' && l.background), '"Using it" boots the system with octant up');
    const made = docHome(octant);
    home = made.home;
    env = made.env;
    for (const line of lines) {
      // Lines that need what a clone does not have (a provider, your program) say so in the README.
      if (line.notRun !== undefined) continue;
      if (line.background) {
        up = await startBackground(line.command, home, env);
        continue;
      }
      const result = runDocCommand(line.command, home, env);
      assert.equal(result.status, 0, `README.md:${line.line}: \`${line.command}\` exited ${result.status}\n${result.stderr}`);
    }
  } finally {
    if (up !== undefined) await stopBackground(up, home, env);
    rmSync(work, { recursive: true, force: true });
    if (home !== '') rmSync(home, { recursive: true, force: true });
  }
});
