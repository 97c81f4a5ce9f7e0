// The file tools on the real filesystem. As root they act with an
// unprivileged agent uid (what production does); elsewhere as the current
// user, and the uid-specific tests skip with a reason.
// Each refusal has its working twin next to it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../lib/errors.ts';
import type { Manifest } from '../manifest/schema.ts';
import { fsDelete, fsList, fsRead, fsStat, fsWrite } from './fs-tools.ts';
import { readFile } from './fs-ops.ts';
import type { HostUser } from './host-user.ts';
import type { AgentSession, AnyTool } from './tool.ts';

const isRoot = process.geteuid?.() === 0;
const rootOnly = isRoot ? false : 'needs root to act as an agent uid';
/** An unprivileged host uid/gid with no passwd entry, like the agents'. */
const AGENT: HostUser | undefined = isRoot ? { uid: 61234, gid: 61234 } : undefined;

function setup() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'octant-fs-')));
  for (const d of ['data', 'ws', 'scratch', 'outside']) mkdirSync(join(root, d));
  writeFileSync(join(root, 'data', 'notes.txt'), 'hello\n');
  writeFileSync(join(root, 'outside', 'secret.txt'), 'outside secret\n');
  if (AGENT !== undefined) for (const d of ['data', 'ws', 'scratch']) chownSync(join(root, d), AGENT.uid, AGENT.gid);
  if (AGENT !== undefined) chownSync(join(root, 'data', 'notes.txt'), AGENT.uid, AGENT.gid);
  const manifest = {
    filesystem: { read: [join(root, 'data')], write: [join(root, 'ws')] },
    governance: { critical: [] },
  } as unknown as Manifest;
  const session: AgentSession = {
    aid: 'agt_fs', lineage: [], manifest, workspace: [join(root, 'scratch'), join(root, 'ws')],
    scratch: { inside: '/scratch', host: join(root, 'scratch') }, contacted: new Set(), token: 't', user: AGENT,
  };
  return { root, session, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

async function run(tool: AnyTool, session: AgentSession, raw: unknown): Promise<any> {
  const args = tool.parse(raw);
  const check = await tool.check(session, args);
  return tool.perform(session, args, check.target, new AbortController().signal);
}

async function refused(tool: AnyTool, session: AgentSession, raw: unknown, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(run(tool, session, raw), (e) => isOctantError(e, code) && (message === undefined || message.test(e.message)), `${tool.name} ${JSON.stringify(raw)}`);
}

test('working twins: read, create, overwrite, append, list, stat and delete behave as before for ordinary files', async () => {
  const t = setup();
  try {
    const file = join(t.root, 'ws', 'sub', 'deeper', 'out.txt');
    assert.deepEqual(await run(fsWrite, t.session, { path: file, content: 'one' }), { path: file, bytes: 3 });
    assert.deepEqual(await run(fsWrite, t.session, { path: file, content: 'two!' }), { path: file, bytes: 4 });
    await run(fsWrite, t.session, { path: file, content: '+3', append: true });
    assert.equal(readFileSync(file, 'utf8'), 'two!+3');
    assert.deepEqual(await run(fsRead, t.session, { path: file }), { path: file, text: 'two!+3', truncated: false, size: 6 });
    assert.deepEqual(await run(fsRead, t.session, { path: join(t.root, 'data', 'notes.txt') }), { path: join(t.root, 'data', 'notes.txt'), text: 'hello\n', truncated: false, size: 6 });
    assert.deepEqual(await run(fsList, t.session, { path: join(t.root, 'ws', 'sub') }), { path: join(t.root, 'ws', 'sub'), entries: [{ name: 'deeper', type: 'dir', size: undefined }], truncated: false });
    assert.deepEqual(await run(fsList, t.session, { path: join(t.root, 'ws', 'sub', 'deeper') }), { path: join(t.root, 'ws', 'sub', 'deeper'), entries: [{ name: 'out.txt', type: 'file', size: 6 }], truncated: false });
    const stat = await run(fsStat, t.session, { path: file });
    assert.equal(stat.type, 'file');
    assert.equal(stat.size, 6);
    assert.deepEqual(await run(fsDelete, t.session, { path: file }), { path: file, deleted: 'file' });
    assert.equal(existsSync(file), false);
    assert.deepEqual(await run(fsDelete, t.session, { path: join(t.root, 'ws', 'sub', 'deeper') }), { path: join(t.root, 'ws', 'sub', 'deeper'), deleted: 'dir' });
    // Scratch paths are given as the agent sees them and reported as host paths.
    assert.deepEqual(await run(fsWrite, t.session, { path: '/scratch/a.txt', content: 'x' }), { path: join(t.root, 'scratch', 'a.txt'), bytes: 1 });
    assert.equal((await run(fsRead, t.session, { path: '/scratch/a.txt' })).text, 'x');
  } finally {
    t.cleanup();
  }
});

test('what must be refused: not a regular file, not empty, missing, a granted root, outside the grants', async () => {
  const t = setup();
  try {
    mkdirSync(join(t.root, 'ws', 'full'));
    writeFileSync(join(t.root, 'ws', 'full', 'x'), 'x');
    await refused(fsDelete, t.session, { path: join(t.root, 'ws', 'full') }, 'E_FS_NOT_EMPTY', /ws\/full: directory not empty/);
    await refused(fsDelete, t.session, { path: join(t.root, 'ws') }, 'E_TOOL_DENIED', /granted root cannot be deleted/);
    await refused(fsRead, t.session, { path: join(t.root, 'ws', 'full') }, 'E_FS_NOT_FILE');
    await refused(fsWrite, t.session, { path: join(t.root, 'ws', 'full'), content: 'x' }, 'E_FS_NOT_FILE');
    await refused(fsRead, t.session, { path: join(t.root, 'ws', 'missing') }, 'E_FS_NOT_FOUND', /ws\/missing: no such file/);
    await refused(fsWrite, t.session, { path: join(t.root, 'data', 'x'), content: 'x' }, 'E_TOOL_DENIED', /filesystem.write/);
    await refused(fsRead, t.session, { path: join(t.root, 'outside', 'secret.txt') }, 'E_TOOL_DENIED');
    await refused(fsRead, t.session, { path: `${t.root}/data/../outside/secret.txt` }, 'E_TOOL_ARGS');
    // A FIFO is refused at once instead of blocking the gateway's event loop.
    execFileSync('mkfifo', [join(t.root, 'ws', 'fifo')]);
    if (AGENT !== undefined) chownSync(join(t.root, 'ws', 'fifo'), AGENT.uid, AGENT.gid);
    await refused(fsRead, t.session, { path: join(t.root, 'ws', 'fifo') }, 'E_FS_NOT_FILE');
    await refused(fsWrite, t.session, { path: join(t.root, 'ws', 'fifo'), content: 'x' }, 'E_FS_NOT_FILE');
  } finally {
    t.cleanup();
  }
});

test('a dangling symlink in every granted root and in scratch: fs.write refuses and creates nothing outside', async () => {
  const t = setup();
  try {
    const places = [join(t.root, 'ws'), join(t.root, 'scratch'), join(t.root, 'ws', 'nested')];
    mkdirSync(places[2]);
    if (AGENT !== undefined) chownSync(places[2], AGENT.uid, AGENT.gid);
    for (const [i, dir] of places.entries()) {
      const target = join(t.root, 'outside', `created-${i}`);
      symlinkSync(target, join(dir, 'link'));
      symlinkSync(`../outside/rel-${i}`, join(dir, 'rel-link'));
      const asAgent = dir.endsWith('scratch') ? '/scratch' : dir;
      for (const name of ['link', 'rel-link']) {
        await refused(fsWrite, t.session, { path: `${asAgent}/${name}`, content: 'pwned' }, 'E_FS_SYMLINK', new RegExp(`${name}: a component is a symbolic link`));
        await refused(fsWrite, t.session, { path: `${asAgent}/${name}`, content: 'pwned', append: true }, 'E_FS_SYMLINK');
        await refused(fsWrite, t.session, { path: `${asAgent}/${name}/below`, content: 'pwned' }, 'E_FS_SYMLINK');
      }
      assert.equal(existsSync(target), false);
      assert.equal(existsSync(join(t.root, 'outside', `rel-${i}`)), false);
      // fs.stat sees the link itself; fs.delete removes the link, never its target.
      assert.equal((await run(fsStat, t.session, { path: `${asAgent}/link` })).type, 'link');
      assert.deepEqual(await run(fsDelete, t.session, { path: `${asAgent}/link` }), { path: join(dir, 'link'), deleted: 'link' });
      assert.throws(() => lstatSync(join(dir, 'link')), /ENOENT/);
      // Working twin: the same name, now a plain new file, is created.
      assert.deepEqual(await run(fsWrite, t.session, { path: `${asAgent}/link`, content: 'ok' }), { path: join(dir, 'link'), bytes: 2 });
    }
    // The read-only root: a dangling link is refused for reading, and writing there is not granted at all.
    symlinkSync(join(t.root, 'outside', 'created-ro'), join(t.root, 'data', 'link'));
    await refused(fsRead, t.session, { path: join(t.root, 'data', 'link') }, 'E_FS_SYMLINK');
    await refused(fsWrite, t.session, { path: join(t.root, 'data', 'link'), content: 'pwned' }, 'E_TOOL_DENIED');
    assert.equal(existsSync(join(t.root, 'outside', 'created-ro')), false);
    assert.deepEqual(readFileSync(join(t.root, 'outside', 'secret.txt'), 'utf8'), 'outside secret\n');
  } finally {
    t.cleanup();
  }
});

test('symlinks anywhere below the root are refused: to a file, to a directory, absolute, relative, pointing inside', async () => {
  const t = setup();
  try {
    const data = join(t.root, 'data');
    symlinkSync(join(t.root, 'outside'), join(data, 'dir-link'));
    symlinkSync(join(t.root, 'outside', 'secret.txt'), join(data, 'abs-link'));
    symlinkSync('../outside/secret.txt', join(data, 'rel-link'));
    symlinkSync('notes.txt', join(data, 'inside-link'));
    symlinkSync(join(t.root, 'outside'), join(t.root, 'ws', 'dir-link'));
    for (const path of ['dir-link/secret.txt', 'abs-link', 'rel-link', 'inside-link'].map((p) => join(data, p))) {
      await refused(fsRead, t.session, { path }, 'E_FS_SYMLINK');
    }
    await refused(fsList, t.session, { path: join(data, 'dir-link') }, 'E_FS_SYMLINK');
    await refused(fsStat, t.session, { path: join(data, 'dir-link', 'secret.txt') }, 'E_FS_SYMLINK');
    await refused(fsWrite, t.session, { path: join(t.root, 'ws', 'dir-link', 'secret.txt'), content: 'pwned' }, 'E_FS_SYMLINK');
    await refused(fsWrite, t.session, { path: join(t.root, 'ws', 'dir-link', 'new', 'file'), content: 'pwned' }, 'E_FS_SYMLINK');
    await refused(fsDelete, t.session, { path: join(t.root, 'ws', 'dir-link', 'secret.txt') }, 'E_FS_SYMLINK');
    assert.equal(readFileSync(join(t.root, 'outside', 'secret.txt'), 'utf8'), 'outside secret\n');
    assert.equal(existsSync(join(t.root, 'outside', 'new')), false);
    // Twin: the same shapes with real directories and files work.
    assert.equal((await run(fsRead, t.session, { path: join(data, 'notes.txt') })).text, 'hello\n');
    assert.equal(readlinkSync(join(data, 'inside-link')), 'notes.txt');
  } finally {
    t.cleanup();
  }
});

test('a granted root that is itself a symlink is refused', async () => {
  const t = setup();
  try {
    rmSync(join(t.root, 'ws'), { recursive: true });
    symlinkSync(join(t.root, 'outside'), join(t.root, 'ws'));
    await refused(fsWrite, t.session, { path: join(t.root, 'ws', 'x'), content: 'x' }, 'E_FS_SYMLINK', /ws: a component is a symbolic link/);
    assert.equal(existsSync(join(t.root, 'outside', 'x')), false);
  } finally {
    t.cleanup();
  }
});

test('magic links (/proc/self/fd/N) and `..` are refused beneath a root, even for octant itself', () => {
  const t = setup();
  const fd = openSync(join(t.root, 'outside', 'secret.txt'), 'r');
  try {
    const root = `/proc/${process.pid}/fd`;
    assert.throws(() => readFile('fs.read', {}, { root, rel: String(fd), path: `${root}/${fd}` }, 100), (e) => isOctantError(e, 'E_FS_SYMLINK'));
    assert.throws(() => readFile('fs.read', {}, { root: join(t.root, 'data'), rel: '../outside/secret.txt', path: 'x' }, 100), (e) => isOctantError(e, 'E_FS_ESCAPE'));
    assert.throws(() => readFile('fs.read', {}, { root: join(t.root, 'data'), rel: join(t.root, 'outside', 'secret.txt'), path: 'x' }, 100), (e) => isOctantError(e, 'E_FS_ESCAPE'));
    symlinkSync(`/proc/self/fd/${fd}`, join(t.root, 'data', 'magic'));
    assert.throws(() => readFile('fs.read', {}, { root: join(t.root, 'data'), rel: 'magic', path: 'x' }, 100), (e) => isOctantError(e, 'E_FS_SYMLINK'));
    assert.equal(readFile('fs.read', {}, { root: join(t.root, 'data'), rel: 'notes.txt', path: 'x' }, 100).text, 'hello\n');
  } finally {
    closeSync(fd);
    t.cleanup();
  }
});

test('the tools act as the agent uid: a root-only file stays unreadable, created files are the agent\'s', { skip: rootOnly }, async () => {
  const t = setup();
  try {
    writeFileSync(join(t.root, 'data', 'root-only.txt'), 'root secret\n', { mode: 0o600 });
    await refused(fsRead, t.session, { path: join(t.root, 'data', 'root-only.txt') }, 'E_FS_PERMISSION', new RegExp(`root-only.txt: permission denied \\(acting as uid ${AGENT!.uid}\\)`));
    mkdirSync(join(t.root, 'ws', 'root-dir'), { mode: 0o755 });
    await refused(fsWrite, t.session, { path: join(t.root, 'ws', 'root-dir', 'x'), content: 'x' }, 'E_FS_PERMISSION');
    await refused(fsWrite, t.session, { path: join(t.root, 'ws', 'root-dir', 'a', 'b'), content: 'x' }, 'E_FS_PERMISSION');
    writeFileSync(join(t.root, 'ws', 'root-file'), 'keep', { mode: 0o644 });
    await refused(fsWrite, t.session, { path: join(t.root, 'ws', 'root-file'), content: 'x' }, 'E_FS_PERMISSION');
    assert.equal(readFileSync(join(t.root, 'ws', 'root-file'), 'utf8'), 'keep');
    assert.equal(existsSync(join(t.root, 'ws', 'root-dir', 'x')), false);
    // Twins: the agent's own 0600 file is readable; what it creates is its own.
    writeFileSync(join(t.root, 'data', 'mine.txt'), 'mine\n', { mode: 0o600 });
    chownSync(join(t.root, 'data', 'mine.txt'), AGENT!.uid, AGENT!.gid);
    assert.equal((await run(fsRead, t.session, { path: join(t.root, 'data', 'mine.txt') })).text, 'mine\n');
    await run(fsWrite, t.session, { path: join(t.root, 'ws', 'made', 'new.txt'), content: 'x' });
    for (const p of [join(t.root, 'ws', 'made'), join(t.root, 'ws', 'made', 'new.txt')]) {
      assert.deepEqual([statSync(p).uid, statSync(p).gid], [AGENT!.uid, AGENT!.gid], p);
    }
    // Afterwards the main thread is octant again: what it writes is root's.
    writeFileSync(join(t.root, 'after.txt'), 'x');
    assert.equal(statSync(join(t.root, 'after.txt')).uid, 0);
    assert.equal(readFileSync(join(t.root, 'data', 'root-only.txt'), 'utf8'), 'root secret\n');
  } finally {
    t.cleanup();
  }
});

test('the tools never act as host root: a policy naming uid 0 fails closed', { skip: rootOnly }, async () => {
  const t = setup();
  try {
    const session = { ...t.session, user: { uid: 0, gid: 0 } };
    await refused(fsRead, session, { path: join(t.root, 'data', 'notes.txt') }, 'E_FS_CREDENTIALS', /never acts as host root/);
    await refused(fsWrite, session, { path: join(t.root, 'ws', 'x'), content: 'x' }, 'E_FS_CREDENTIALS');
    assert.equal(existsSync(join(t.root, 'ws', 'x')), false);
  } finally {
    t.cleanup();
  }
});

test('when octant is not root the tools act as itself, and refuse to claim another uid', { skip: rootOnly }, () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'octant-fs-unpriv-')));
  try {
    chownSync(dir, 65534, 65534);
    const ops = new URL('./fs-ops.ts', import.meta.url).href;
    const script = `
      import { symlinkSync, statSync } from 'node:fs';
      const { readFile, writeFile } = await import(${JSON.stringify(ops)});
      const dir = ${JSON.stringify(dir)};
      const at = (rel) => ({ root: dir, rel, path: dir + '/' + rel });
      const code = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
      writeFile('fs.write', {}, at('a/self.txt'), 'self', false);
      symlinkSync('/etc/passwd', dir + '/link');
      console.log(JSON.stringify({
        self: readFile('fs.read', {}, at('a/self.txt'), 100).text,
        owner: statSync(dir + '/a/self.txt').uid,
        sameUid: code(() => writeFile('fs.write', { user: { uid: 65534, gid: 65534 } }, at('same.txt'), 'x', false)),
        otherUid: code(() => writeFile('fs.write', { user: { uid: 61234, gid: 61234 } }, at('other.txt'), 'x', false)),
        link: code(() => readFile('fs.read', {}, at('link'), 100)),
      }));`;
    const out = execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], { uid: 65534, gid: 65534, cwd: dir, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { self: 'self', owner: 65534, sameUid: 'ok', otherUid: 'E_FS_CREDENTIALS', link: 'E_FS_SYMLINK' });
    assert.equal(existsSync(join(dir, 'other.txt')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
