// Through the built executable: every command and every subcommand, as
// declared (the table drives the test, so a new subcommand is covered
// without touching it), answers --help and -h with its usage on stdout and
// exit 0; errors come in the one format (error[E_CODE] + hint, or JSON with
// --json), never as a bare Node message. `npm test` builds dist/octant first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT } from '../support/dist-octant.ts';
import { COMMANDS } from '../../src/operator/cli/commands.ts';
import { walk } from '../../src/operator/cli/command.ts';
import { usageAt } from '../../src/operator/cli/usage.ts';

const skip = existsSync(OCTANT) ? false : `${OCTANT} is missing (run: node scripts/build.ts)`;
if (skip) process.stdout.write(`# skipping the executable's CLI tests: ${skip}\n`);

interface Result { status: number | null; stdout: string; stderr: string }

function octant(args: string[], cwd?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(OCTANT, args, { cwd, env: { ...process.env, OCTANT_ROOT: '/nonexistent-octant-root' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c; });
    child.stderr.on('data', (c: Buffer) => { stderr += c; });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('every declared command and subcommand answers --help and -h with its usage, exit 0', { skip }, async () => {
  const lines: { args: string[]; usage: string }[] = [];
  for (const entry of COMMANDS) {
    for (const { path, command } of walk(await entry.load())) {
      const usage = `${usageAt(path.join(' '), command)}\n`;
      // --help on every one; -h and `help` on each command (in-process, src/main.test.ts checks them all).
      lines.push({ args: [...path, '--help'], usage }, ...(path.length === 1 ? [{ args: [...path, '-h'], usage }, { args: ['help', ...path], usage }] : []));
    }
  }
  // Two at a time: the machine is shared.
  for (let i = 0; i < lines.length; i += 2) {
    await Promise.all(lines.slice(i, i + 2).map(async ({ args, usage }) => {
      const r = await octant(args);
      assert.equal(r.status, 0, `octant ${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, usage, `octant ${args.join(' ')}`);
      assert.equal(r.stderr, '', `octant ${args.join(' ')}`);
    }));
  }
  assert.ok(lines.length > 100, `${lines.length} command lines`);
});

test('errors name their code and file: a missing or malformed --script, an unknown option, --json', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-cli-errors-'));
  try {
    writeFileSync(join(dir, 'm.json'), '{}');
    writeFileSync(join(dir, 'bad.json'), '[{"tool": ');
    const missing = await octant(['run', 'm.json', '--script', 'nope.json'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^error\[E_RUN_SCRIPT\]: run: --script \S*nope\.json: ENOENT/);
    const bad = await octant(['run', 'm.json', '--script', 'bad.json'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error\[E_RUN_SCRIPT\]: run: --script \S*bad\.json: not valid JSON/);
    const option = await octant(['ledger', 'show', '--agnt', 'x']);
    assert.equal(option.status, 2);
    assert.equal(option.stderr, "error[E_USAGE]: ledger show: unknown option '--agnt'\nhint: did you mean --agent? see 'octant ledger show --help'\n");
    const json = await octant(['ledger', 'verfy', '--json']);
    assert.equal(json.status, 2);
    assert.deepEqual(JSON.parse(json.stderr), { error: { code: 'E_UNKNOWN_COMMAND', message: "ledger: unknown subcommand 'verfy'", hint: 'did you mean: verify?', exit: 2 } });
    // Twin: the same refusal without --json is text.
    assert.match((await octant(['ledger', 'verfy'])).stderr, /^error\[E_UNKNOWN_COMMAND\]: ledger: unknown subcommand 'verfy'\nhint: did you mean: verify\?\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the bash completion the executable prints completes groups and subcommands in a real bash', { skip }, async () => {
  const script = (await octant(['completion', 'bash'])).stdout;
  const complete = (words: string[]): string[] => {
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `${script}\ncomplete -p octant >/dev/null || exit 9\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _octant; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => l !== '');
  };
  assert.deepEqual(complete(['octant', 'led']), ['ledger']);
  assert.deepEqual(complete(['octant', 'ledger', 've']), ['verify']);
  assert.deepEqual(complete(['octant', '--root', '/x', 'vault', 'gr']), ['grant']);
  assert.ok(complete(['octant', 'ledger', 'verify', '--']).includes('--no-key'));
  assert.deepEqual(complete(['octant', 'completion', 'z']), ['zsh']);
  // A group inside a group, and an action's options below it.
  assert.deepEqual(complete(['octant', 'quorum', 'panel', 'a']), ['add']);
  assert.ok(complete(['octant', 'quorum', 'panel', 'add', 'judge', '--']).includes('--family'));
  // Twin: past an action, words are its arguments (files), not subcommands.
  assert.ok(!complete(['octant', 'ledger', 'grep', 'x', '']).includes('verify'));
});
