// The file tools against a hostile agent that races them. Inside a real
// bubblewrap sandbox, a program swaps a regular file (or directory) and a
// symlink to something outside the grant with renameat2(RENAME_EXCHANGE) in
// a tight loop, while the host side performs fs.read / fs.write / fs.list on
// the name thousands of times. The outside targets are owned by the agent's
// uid, so only "never follow, act on the checked descriptor" stands between
// the race and a leak: the outside secret is never read, nothing outside is
// written or created. Each loop also proves the race was live: it runs until
// it has seen both outcomes (the real file, and the link refused).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchSandbox, type SandboxHandle } from '../../src/kernel/sandbox/launch.ts';
import type { SandboxPolicy } from '../../src/kernel/sandbox-policy.ts';
import { SYSCALLS_X86_64 } from '../../src/kernel/seccomp/syscall-table.ts';
import { isOctantError } from '../../src/lib/errors.ts';
import type { Manifest } from '../../src/agent/manifest/schema.ts';
import { fsList, fsRead, fsWrite } from '../../src/agent/tools/fs-tools.ts';
import type { AgentSession, AnyTool } from '../../src/agent/tools/tool.ts';

const PYTHON = '/usr/bin/python3';
const AGENT = { uid: 61235, gid: 61235 };
/** Stop after this many operations even if one outcome was never seen (then the test fails). */
const MAX_TRIES = 40_000;
const MIN_TRIES = 2_000;

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (bubblewrap sandboxes, acting as an agent uid)';
  for (const tool of ['/usr/bin/bwrap', PYTHON]) {
    try {
      accessSync(tool, constants.X_OK);
    } catch {
      return `${tool} is missing`;
    }
  }
  return false;
}
const skip = skipReason();
if (skip) console.log(`# skipping the file tool race suite: ${skip}`);

// The swapper: exchanges each pair of names until the stop file appears.
const SWAPPER = `
import ctypes, json, os, sys
libc = ctypes.CDLL(None, use_errno=True)
NR, pairs, stop, ready = int(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
names = [(a.encode(), b.encode()) for a, b in pairs]
AT_FDCWD, RENAME_EXCHANGE = ctypes.c_long(-100), ctypes.c_long(2)
open(ready, 'w').close()
swaps = i = 0
while True:
    for a, b in names:
        if libc.syscall(ctypes.c_long(NR), AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0: swaps += 1
    i += 1
    if i % 256 == 0 and os.path.exists(stop): break
print(json.dumps({'swaps': swaps}), flush=True)
`;

let root: string;
let ws: string;
let outside: string;
let session: AgentSession;

before(() => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), 'octant-fs-race-'));
  // The swapper's bwrap runs as the agent's uid and must pass through the root.
  chmodSync(root, 0o755);
  ws = join(root, 'ws');
  outside = join(root, 'outside');
  mkdirSync(ws);
  mkdirSync(outside);
  // The sandbox's root has no CAP_DAC_OVERRIDE over the agent's directory: let it rename there.
  chmodSync(ws, 0o777);
  chownSync(ws, AGENT.uid, AGENT.gid);
  chownSync(outside, AGENT.uid, AGENT.gid);
  const manifest = { filesystem: { read: [], write: [ws] }, governance: { critical: [] } } as unknown as Manifest;
  session = { aid: 'agt_race', lineage: [], manifest, workspace: [ws], contacted: new Set(), token: 't', user: AGENT };
});
after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Start the swapper in a sandbox with `ws` bound read-write; resolves once it is swapping. */
async function startSwapper(pairs: [string, string][]): Promise<{ stop: () => Promise<number> }> {
  const id = randomBytes(4).toString('hex');
  const stopFile = join(ws, `stop-${id}`);
  const readyFile = join(ws, `ready-${id}`);
  const policy: SandboxPolicy = {
    id: `fsrace-${id}`, binds: [{ source: ws, target: ws, mode: 'rw' }], executables: [PYTHON],
    syscalls: Object.keys(SYSCALLS_X86_64), inet: false, limits: { memoryBytes: 96 << 20, pids: 8, cpu: 1 },
    network: [], credentials: [], ttlSeconds: null, tmpBytes: 1 << 20, isolation: 'namespaces', user: AGENT,
  };
  const handle: SandboxHandle = launchSandbox(policy, [PYTHON, '-S', '-c', SWAPPER, String(SYSCALLS_X86_64.renameat2), JSON.stringify(pairs), stopFile, readyFile], { env: { PATH: '/usr/bin:/bin' } });
  handle.stdio.stdin?.end();
  let stdout = '';
  let stderr = '';
  handle.stdio.stdout?.on('data', (chunk: Buffer) => (stdout += chunk));
  handle.stdio.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
  for (let waited = 0; !existsSync(readyFile); waited += 20) {
    if (waited > 20_000) throw new Error(`the swapper did not start: ${stderr}`);
    await sleep(20);
  }
  return {
    stop: async () => {
      writeFileSync(stopFile, '');
      const exit = await handle.exited;
      assert.equal(exit.code, 0, stderr);
      return (JSON.parse(stdout.trim().split('\n').pop()!) as { swaps: number }).swaps;
    },
  };
}

async function attempt(tool: AnyTool, raw: unknown): Promise<{ ok: true; result: any } | { ok: false; code: string }> {
  try {
    const args = tool.parse(raw);
    const check = await tool.check(session, args);
    return { ok: true, result: await tool.perform(session, args, check.target, new AbortController().signal) };
  } catch (error) {
    if (isOctantError(error)) return { ok: false, code: error.code };
    throw error;
  }
}

/** Run `op` until both a success and an E_FS_SYMLINK refusal were seen (at least MIN_TRIES times). */
async function race(op: (i: number) => Promise<{ ok: true; result: any } | { ok: false; code: string }>, onSuccess: (result: any) => void): Promise<Map<string, number>> {
  const outcomes = new Map<string, number>();
  for (let i = 0; i < MAX_TRIES && (i < MIN_TRIES || !outcomes.has('ok') || !outcomes.has('E_FS_SYMLINK')); i++) {
    const outcome = await op(i);
    const key = outcome.ok ? 'ok' : outcome.code;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (outcome.ok) onSuccess(outcome.result);
  }
  return outcomes;
}

/**
 * Both outcomes were seen, and nothing else but E_FS_NOT_DIR: a directory
 * opened while it was the link fails ENOTDIR, and the look that turns that
 * into "symbolic link" for the message may already see the directory again.
 */
function expectOutcomes(name: string, outcomes: Map<string, number>): void {
  const seen = JSON.stringify([...outcomes]);
  assert.ok(outcomes.has('ok') && outcomes.has('E_FS_SYMLINK'), `${name}: the race was live: ${seen}`);
  assert.deepEqual([...outcomes.keys()].filter((k) => !['ok', 'E_FS_SYMLINK', 'E_FS_NOT_DIR'].includes(k)), [], `${name}: ${seen}`);
}

test('fs.read against a file/symlink swapper never returns the outside secret', { skip }, async () => {
  writeFileSync(join(outside, 'secret.txt'), 'OUTSIDE SECRET\n');
  chownSync(join(outside, 'secret.txt'), AGENT.uid, AGENT.gid);
  writeFileSync(join(ws, 'f'), 'inside\n');
  symlinkSync(join(outside, 'secret.txt'), join(ws, 'l'));
  mkdirSync(join(ws, 'd'));
  writeFileSync(join(ws, 'd', 'f'), 'inside d\n');
  symlinkSync(outside, join(ws, 'dl'));
  const swapper = await startSwapper([[join(ws, 'f'), join(ws, 'l')], [join(ws, 'd'), join(ws, 'dl')]]);
  let reads: Map<string, number>;
  let dirReads: Map<string, number>;
  let lists: Map<string, number>;
  try {
    reads = await race(() => attempt(fsRead, { path: join(ws, 'f') }), (r) => assert.equal(r.text, 'inside\n'));
    dirReads = await race(() => attempt(fsRead, { path: join(ws, 'd', 'f') }), (r) => assert.equal(r.text, 'inside d\n'));
    lists = await race(() => attempt(fsList, { path: join(ws, 'd') }), (r) => assert.deepEqual(r.entries.map((e: { name: string }) => e.name), ['f']));
  } finally {
    const swaps = await swapper.stop();
    assert.ok(swaps > 0, 'the swapper ran');
  }
  for (const [name, outcomes] of [['read', reads], ['read through a directory', dirReads], ['list', lists]] as const) {
    expectOutcomes(name, outcomes);
  }
});

test('fs.write against a swapper never writes through the link nor creates a file outside', { skip }, async () => {
  writeFileSync(join(outside, 'target.txt'), 'UNTOUCHED\n');
  chownSync(join(outside, 'target.txt'), AGENT.uid, AGENT.gid);
  for (const name of ['w', 'n']) {
    writeFileSync(join(ws, name), 'start\n');
    chownSync(join(ws, name), AGENT.uid, AGENT.gid);
  }
  symlinkSync(join(outside, 'target.txt'), join(ws, 'wl'));
  symlinkSync(join(outside, 'created.txt'), join(ws, 'nl')); // dangling
  const swapper = await startSwapper([[join(ws, 'w'), join(ws, 'wl')], [join(ws, 'n'), join(ws, 'nl')]]);
  let overwrites: Map<string, number>;
  let appends: Map<string, number>;
  try {
    overwrites = await race((i) => attempt(fsWrite, { path: join(ws, 'w'), content: `write ${i}\n` }), () => {});
    appends = await race((i) => attempt(fsWrite, { path: join(ws, 'n'), content: `append ${i}\n`, append: true }), () => {});
  } finally {
    await swapper.stop();
  }
  expectOutcomes('overwrite', overwrites);
  expectOutcomes('append', appends);
  assert.equal(readFileSync(join(outside, 'target.txt'), 'utf8'), 'UNTOUCHED\n');
  assert.equal(existsSync(join(outside, 'created.txt')), false);
  // Whichever name the real file ended up under, it holds what the tool wrote.
  const real = [join(ws, 'w'), join(ws, 'wl')].map((p) => { try { return readFileSync(p, 'utf8'); } catch { return ''; } }).find((text) => text.startsWith('write '));
  assert.ok(real !== undefined, 'the real file holds the last successful write');
});
