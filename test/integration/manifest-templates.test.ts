// `octant manifest new --for python|node|shell` writes manifests that run as
// written: each is signed and its own "Run it" line is run through
// dist/octant in a real sandbox. Their negative twins: a manifest that could
// not start its program is refused by `manifest validate FILE -- COMMAND` and
// by `octant run` before any agent exists, naming the group or grant to add.
// (The loop template runs against a fake provider in setup.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';

const skip = agentSkip;
if (skip) console.log(`# skipping manifest templates: ${skip}`);

const PROGRAMS = {
  python: { file: 'agent.py', interpreter: '/usr/bin/python3', text: 'import os\nprint("hello from python in", os.getcwd())\nopen("out.txt", "w").write("written")\n' },
  node: { file: 'agent.mjs', interpreter: '/usr/bin/node', text: 'import { writeFileSync } from "node:fs";\nconsole.log("hello from node in", process.cwd());\nwriteFileSync("out.txt", "written");\n' },
  shell: { file: 'agent.sh', interpreter: '/bin/sh', text: 'echo "hello from shell in $(pwd)"\necho written > out.txt\n' },
} as const;

function world() {
  const root = mkdtempSync(join(tmpdir(), 'octant-templates-'));
  // The programs live where an agent's uid may read them, as an operator would put them.
  const programs = join(root, 'programs');
  mkdirSync(programs);
  chmodSync(root, 0o755);
  chmodSync(programs, 0o755);
  const octant = (...args: string[]) => spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(octant('keys', 'generate', '--name', 'ops').status, 0);
  const sign = (yaml: string): string => {
    const out = yaml.replace(/\.yaml$/, '.signed.json');
    const signed = octant('manifest', 'sign', yaml, '--key', join(root, 'etc', 'keys', 'private', 'ops.key'), '--out', out);
    assert.equal(signed.status, 0, signed.stderr);
    return out;
  };
  return { root, programs, octant, sign };
}

/** The `octant run` arguments the template itself prints in its "# Run it:" line. */
function runLine(yaml: string): string[] {
  const line = readFileSync(yaml, 'utf8').split('\n').find((l) => l.startsWith('# Run it:'));
  assert.ok(line, 'the template says how to run it');
  return line.replace(/^# Run it: +octant run \S+ /, '').split(' ');
}

for (const [kind, p] of Object.entries(PROGRAMS)) {
  const missing = existsSync(p.interpreter) ? false : `${p.interpreter} is not installed`;
  test(`manifest new --for ${kind}: signed as written, its program runs in a sandbox`, { skip: skip || missing, timeout: 180_000 }, () => {
    const w = world();
    try {
      const program = join(w.programs, p.file);
      writeFileSync(program, p.text, { mode: 0o644 });
      const yaml = join(w.root, `${kind}.yaml`);
      const made = w.octant('manifest', 'new', '--for', kind, '--name', `hello-${kind}`, '--program', program, '--out', yaml);
      assert.equal(made.status, 0, made.stderr);
      const args = runLine(yaml);
      assert.deepEqual(args, ['--', p.interpreter, program]);
      const valid = w.octant('manifest', 'validate', yaml, ...args);
      assert.equal(valid.status, 0, valid.stderr);
      assert.match(valid.stdout, /the command can start/);
      const run = w.octant('run', w.sign(yaml), ...args);
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, new RegExp(`^hello from ${kind} in /scratch$`, 'm'));
      assert.match(run.stdout, /archived — exited with code 0/);
    } finally {
      rmSync(w.root, { recursive: true, force: true });
    }
  });
}

test('a wrapped program that could not start is refused before it runs, naming what to add; its twin runs', { skip: skip || (existsSync('/usr/bin/python3') ? false : 'python3 is not installed'), timeout: 180_000 }, () => {
  const w = world();
  try {
    const program = join(w.programs, 'agent.py');
    writeFileSync(program, PROGRAMS.python.text, { mode: 0o644 });
    const yaml = join(w.root, 'py.yaml');
    assert.equal(w.octant('manifest', 'new', '--for', 'python', '--name', 'py', '--program', program, '--out', yaml).status, 0);
    const good = readFileSync(yaml, 'utf8');

    // Without @process-spawn: the interpreter and octant's bridge could not start.
    const noSpawn = join(w.root, 'no-spawn.yaml');
    writeFileSync(noSpawn, good.replace('"@process-spawn", ', ''));
    const validate = w.octant('manifest', 'validate', noSpawn, '--', '/usr/bin/python3', program);
    assert.equal(validate.status, 1);
    assert.match(validate.stderr, /error\[E_MANIFEST_CANNOT_START\]: py: .*syscalls: add "@process-spawn"/);
    assert.match(validate.stderr, /hint: change @process-spawn in the manifest/);
    const run = w.octant('run', w.sign(noSpawn), '--', '/usr/bin/python3', program);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /E_MANIFEST_CANNOT_START.*@process-spawn/);
    assert.equal(w.octant('agent', 'list', '--json').stdout.trim(), '[]', 'no agent was started');

    // A program the manifest does not grant.
    const signed = w.sign(yaml);
    const perl = w.octant('run', signed, '--', '/usr/bin/perl', program);
    assert.equal(perl.status, 1);
    assert.match(perl.stderr, /processes\.exec: "\/usr\/bin\/perl" is not granted/);
    // A program file outside filesystem.read: the interpreter could not read it.
    const elsewhere = join(w.root, 'other.py');
    writeFileSync(elsewhere, 'print(1)\n', { mode: 0o644 });
    const unread = w.octant('run', signed, '--', 'python3', elsewhere);
    assert.equal(unread.status, 1);
    assert.match(unread.stderr, new RegExp(`filesystem\\.read: ${elsewhere.replace(/[.]/g, '\\.')} is not granted, so python3 cannot read its program`));

    // The twin, as written (the bare name is found on the sandbox's PATH).
    const ok = w.octant('run', signed, '--', 'python3', program);
    assert.equal(ok.status, 0, `${ok.stdout}\n${ok.stderr}`);
    assert.match(ok.stdout, /^hello from python in \/scratch$/m);
  } finally {
    rmSync(w.root, { recursive: true, force: true });
  }
});

test('the loop: a scaffold without @process-spawn and @network-client is refused (it would die with exit 139); --for loop validates', { skip, timeout: 120_000 }, () => {
  const w = world();
  try {
    const bare = join(w.root, 'bare.yaml');
    assert.equal(w.octant('manifest', 'new', '--name', 'bare', '--out', bare).status, 0);
    const validate = w.octant('manifest', 'validate', bare, '--for', 'loop');
    assert.equal(validate.status, 1);
    for (const group of ['@process-spawn', '@network-client']) assert.match(validate.stderr, new RegExp(`syscalls: add "${group}"`));
    const run = w.octant('run', w.sign(bare), '--task', 'hello');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /error\[E_MANIFEST_CANNOT_START\]: bare: .*"@process-spawn".*"@network-client"/);
    // Without --for the same findings stay warnings (exit 0), as before.
    const lenient = w.octant('manifest', 'validate', bare);
    assert.equal(lenient.status, 0);
    assert.match(lenient.stderr, /warning: syscalls: add "@process-spawn"/);

    const loop = join(w.root, 'loop.yaml');
    assert.equal(w.octant('manifest', 'new', '--for', 'loop', '--name', 'looper', '--credential', 'openai-key', '--out', loop).status, 0);
    const ok = w.octant('manifest', 'validate', loop, '--for', 'loop');
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stderr, '');
    assert.match(readFileSync(loop, 'utf8'), /^credentials: \["openai-key"\]/m);
  } finally {
    rmSync(w.root, { recursive: true, force: true });
  }
});
