// Rule 10: each dangerous grant refused with its own code naming the field
// and the path, as written and through a symlink; each with a working twin.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isOctantError } from '../../lib/errors.ts';
import { rootLayout, systemLayout } from '../../runtime/paths.ts';
import { checkGrants, hostProtection, ownProgramDirs, resolveOnHost, type HostProtection } from './dangerous-grants.ts';
import { loadManifest } from './load.ts';
import type { Manifest } from './schema.ts';

const base = loadManifest({ path: new URL('../../../examples/manifests/coder.yaml', import.meta.url).pathname });
const scratch = mkdtempSync(join(tmpdir(), 'octant-grants-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const stateRoot = join(scratch, 'octant-root');
const programDir = join(scratch, 'bin');
mkdirSync(join(stateRoot, 'lib'), { recursive: true });
mkdirSync(programDir);
mkdirSync(join(scratch, 'data'));
const host = hostProtection(rootLayout(stateRoot), [programDir]);

function grants(field: 'read' | 'write' | 'exec', path: string): Manifest {
  const m = structuredClone(base);
  m.filesystem = { read: field === 'read' ? [path] : [], write: field === 'write' ? [path] : [] };
  m.processes = { exec: field === 'exec' ? [path] : [] };
  return m;
}

function refused(field: 'read' | 'write' | 'exec', path: string, code: string, where: HostProtection = host): void {
  assert.throws(() => checkGrants(grants(field, path), where), (e) => {
    const name = field === 'exec' ? 'processes.exec[0]' : `filesystem.${field}[0]`;
    return isOctantError(e, code) && e.message.startsWith(`${name}: ${path}`) && e.exit === 4 && (e.detail as { rule: number }).rule === 10;
  }, `${field} ${path} should be refused with ${code}`);
}

function allowed(field: 'read' | 'write' | 'exec', path: string, where: HostProtection = host): void {
  assert.doesNotThrow(() => checkGrants(grants(field, path), where), `${field} ${path} should be allowed`);
}

test('/: the whole host, refused for read, write and exec; twin: a directory below it', () => {
  for (const field of ['read', 'write', 'exec'] as const) refused(field, '/', 'E_MANIFEST_GRANT_ROOT');
  allowed('read', '/usr');
  allowed('exec', '/usr/bin');
});

test('/proc and /sys and anything below: their own codes; twin: look-alike siblings', () => {
  refused('read', '/proc', 'E_MANIFEST_GRANT_PROC');
  refused('write', '/proc/sys/kernel/core_pattern', 'E_MANIFEST_GRANT_PROC');
  refused('exec', '/proc/self/exe', 'E_MANIFEST_GRANT_PROC');
  refused('read', '/sys', 'E_MANIFEST_GRANT_SYS');
  refused('write', '/sys/fs/cgroup', 'E_MANIFEST_GRANT_SYS');
  allowed('read', '/procedures');
  allowed('write', '/system-data');
});

test('/dev and below: refused, except the safe device nodes (random sources read-only); twin: each safe node', () => {
  refused('read', '/dev', 'E_MANIFEST_GRANT_DEV');
  refused('write', '/dev/shm', 'E_MANIFEST_GRANT_DEV');
  refused('read', '/dev/tty', 'E_MANIFEST_GRANT_DEV');
  refused('read', '/dev/sda', 'E_MANIFEST_GRANT_DEV');
  refused('write', '/dev/urandom', 'E_MANIFEST_GRANT_DEV');
  refused('write', '/dev/random', 'E_MANIFEST_GRANT_DEV');
  refused('exec', '/dev/null', 'E_MANIFEST_GRANT_DEV');
  for (const node of ['/dev/null', '/dev/zero', '/dev/full']) {
    allowed('read', node);
    allowed('write', node);
  }
  allowed('read', '/dev/urandom');
  allowed('read', '/dev/random');
});

test('OctantOS state (root layout): a state directory, inside one, or containing one; models write-only refused; twin: a sibling of the state directories', () => {
  refused('read', join(stateRoot, 'lib'), 'E_MANIFEST_GRANT_STATE');
  refused('write', join(stateRoot, 'etc', 'keys'), 'E_MANIFEST_GRANT_STATE');
  refused('read', stateRoot, 'E_MANIFEST_GRANT_STATE');
  refused('read', scratch, 'E_MANIFEST_GRANT_STATE');
  refused('write', join(stateRoot, 'models'), 'E_MANIFEST_GRANT_STATE');
  allowed('read', join(stateRoot, 'models'));
  allowed('read', join(stateRoot, 'data'));
  allowed('write', join(scratch, 'data'));
  // Programs are not mounted by an exec grant, so exec under the state root is a different question (Landlock).
  allowed('exec', join(stateRoot, 'opt', 'skills'));
});

test('OctantOS state (system layout): /etc and /var/lib contain it; twin: /etc/ssl', () => {
  const system = hostProtection(systemLayout(), [programDir]);
  refused('read', '/etc', 'E_MANIFEST_GRANT_STATE', system);
  refused('read', '/var/lib', 'E_MANIFEST_GRANT_STATE', system);
  refused('write', '/run/octant/admin.sock', 'E_MANIFEST_GRANT_STATE', system);
  refused('write', '/var/log', 'E_MANIFEST_GRANT_STATE', system);
  allowed('read', '/etc/ssl', system);
  allowed('read', '/var/lib/apt', system);
});

test("the octant executable's directory: never written, also through a parent; twin: it may be read", () => {
  refused('write', programDir, 'E_MANIFEST_GRANT_PROGRAM');
  refused('write', join(programDir, 'octant'), 'E_MANIFEST_GRANT_PROGRAM');
  allowed('read', programDir);
  allowed('exec', join(programDir, 'octant'));
  // The real one: this process's executable and (from source) its source tree.
  const real = hostProtection(rootLayout(stateRoot));
  assert.ok(ownProgramDirs().includes(dirname(process.execPath)));
  refused('write', dirname(process.execPath), 'E_MANIFEST_GRANT_PROGRAM', real);
  refused('write', new URL('../..', import.meta.url).pathname.replace(/\/$/, ''), 'E_MANIFEST_GRANT_PROGRAM', real);
});

test('symlinked spellings are judged by where they resolve; twin: a link to a safe place', () => {
  symlinkSync('/proc', join(scratch, 'p'));
  symlinkSync(join(stateRoot, 'lib'), join(scratch, 'state-link'));
  symlinkSync('/dev/null', join(scratch, 'null-link'));
  symlinkSync(join(scratch, 'data'), join(scratch, 'data-link'));
  symlinkSync('/', join(scratch, 'slash'));
  assert.equal(resolveOnHost(join(scratch, 'p', 'no', 'such')), '/proc/no/such', 'a missing tail keeps the resolved head');
  assert.throws(() => checkGrants(grants('read', join(scratch, 'p')), host), (e) => isOctantError(e, 'E_MANIFEST_GRANT_PROC') && e.message.includes('which resolves to /proc'));
  refused('write', join(scratch, 'p', 'sys', 'kernel'), 'E_MANIFEST_GRANT_PROC');
  refused('read', join(scratch, 'state-link'), 'E_MANIFEST_GRANT_STATE');
  refused('read', join(scratch, 'slash'), 'E_MANIFEST_GRANT_ROOT');
  refused('write', join(scratch, 'slash', 'sys'), 'E_MANIFEST_GRANT_SYS');
  allowed('write', join(scratch, 'null-link'));
  allowed('write', join(scratch, 'data-link'));
});

test('every field is checked, each named by its index', () => {
  const m = structuredClone(base);
  m.filesystem = { read: ['/usr', '/sys/firmware'], write: [] };
  assert.throws(() => checkGrants(m, host), (e) => isOctantError(e, 'E_MANIFEST_GRANT_SYS') && e.message.startsWith('filesystem.read[1]: /sys/firmware'));
  assert.doesNotThrow(() => checkGrants(base, hostProtection(systemLayout(), [programDir])), 'the coder example is valid on a system install');
});
