import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OctantError, isOctantError } from '../../lib/errors.ts';
import type { LedgerEntry } from '../../services/ledger/api.ts';
import { memoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import type { SandboxPolicy } from '../../kernel/sandbox-policy.ts';
import { LifecycleManager } from './manager.ts';
import { readRecord } from './records.ts';
import type { ChildrenPolicy, ExitStatus, LaunchSpec, LifecycleDeps, LimitsEnforcement, Scheduler, ValidatedManifest } from './ports.ts';
import type { ApprovalRequest } from '../approvals/approval.ts';

/** What a test manifest says; the fake manifest port "validates" it. */
interface FakeSigned {
  name: string;
  perms: string[];
  spawn?: { allowed: boolean; maxDepth: number; maxDescendants: number };
  ttl?: number | null;
  children?: ChildrenPolicy;
  grace?: number;
  retain?: string[];
  critical?: string[];
  invalid?: string;
}

class FakeWorld {
  calls: string[] = [];
  launched = new Map<string, LaunchSpec>();
  /** AIDs whose cgroup a "crashed" runtime left behind. */
  leftovers = new Set<string>();
  /** The approval gate's answers, in order (undefined: no gate at all). */
  approvals: boolean[] | undefined;
  asked: string[] = [];
  /** The one in-memory ledger: the lifecycle's entries and its partition seals. */
  ledger = memoryLedger();
  /** Every entry but the seals. */
  get events(): LedgerEntry[] {
    return this.ledger.entries.filter((e) => e.action !== 'partition.seal');
  }
  /** Each sealed partition's seal detail. */
  get sealed(): Map<string, Record<string, unknown>> {
    return new Map(this.ledger.entries.filter((e) => e.action === 'partition.seal').map((e) => [e.agent, e.detail]));
  }
  policies = new Map<string, SandboxPolicy>();
  processes = new Map<string, { exit(status: ExitStatus): void }>();
  timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  clock = 1_700_000_000_000;
  failCgroup = false;
  limits: LimitsEnforcement = { enforced: true, detail: 'cgroup v2 (fake)' };
  root = mkdtempSync(join(tmpdir(), 'octant-lifecycle-'));
  /** Chown to one's own ids works for anyone: these tests do not need root. */
  agentUser = { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 };

  scheduler: Scheduler = {
    now: () => this.clock,
    after: (ms, fn) => {
      const timer = { at: this.clock + ms, fn, cancelled: false };
      this.timers.push(timer);
      return () => { timer.cancelled = true; };
    },
  };

  /** Move the fake clock, firing due timers. */
  async advance(ms: number): Promise<void> {
    this.clock += ms;
    for (const t of this.timers.filter((x) => !x.cancelled && x.at <= this.clock)) {
      t.cancelled = true;
      t.fn();
    }
    await new Promise((r) => setTimeout(r, 20));
  }

  lastLifecycle(): string {
    const e = this.events.filter((x) => x.kind === 'lifecycle').at(-1)!;
    return String(e.detail.event);
  }

  deps(): LifecycleDeps {
    return {
      agentsDir: join(this.root, 'agents'),
      sandboxDir: join(this.root, 'sandboxes'),
      users: { acquire: () => ({ ...this.agentUser }), release: (aid) => { this.calls.push(`users.release ${aid}`); } },
      scheduler: this.scheduler,
      manifests: {
        validate: async (signed, parent) => {
          const s = signed as FakeSigned;
          if (s.invalid) throw new OctantError('E_MANIFEST_SIGNATURE', `manifest '${s.name}': ${s.invalid}`);
          // Intersection, as the manifest module does it: never more than the parent.
          const perms = parent ? s.perms.filter((p) => (parent.effective as string[]).includes(p)) : s.perms;
          return {
            effective: perms, name: s.name, hash: `hash-${s.name}`, signer: 'operator-key-1',
            spawn: s.spawn ?? { allowed: false, maxDepth: 0, maxDescendants: 0 }, ttlSeconds: s.ttl ?? null,
            children: { policy: s.children ?? 'terminate', graceSeconds: s.grace ?? 0 }, retain: s.retain ?? [], critical: s.critical ?? [],
          } satisfies ValidatedManifest;
        },
        compile: (m, aid, user) => {
          const network = (m.effective as string[]).includes('net') ? [{ host: '*.example.com', ports: [443, 443] as [number, number], protocol: 'https' as const }] : [];
          const policy: SandboxPolicy = { id: aid, binds: [], executables: [], syscalls: [], inet: network.length > 0, limits: {}, network, credentials: m.effective as string[], ttlSeconds: m.ttlSeconds, tmpBytes: 0, isolation: 'namespaces', user };
          this.policies.set(aid, policy);
          return policy;
        },
      },
      isolation: {
        createCgroup: async (aid) => {
          this.calls.push(`cgroup.create ${aid} after ${this.lastLifecycle()}`);
          if (this.failCgroup) throw new OctantError('E_CGROUP_CREATE', 'cannot create');
          return {
            pids: () => [],
            freeze: async () => { this.calls.push(`cgroup.freeze ${aid} after ${this.lastLifecycle()}`); },
            thaw: async () => { this.calls.push(`cgroup.thaw ${aid} after ${this.lastLifecycle()}`); },
            kill: async () => { this.calls.push(`cgroup.kill ${aid}`); this.processes.get(aid)?.exit({ code: null, signal: 'SIGKILL' }); },
            remove: async () => { this.calls.push(`cgroup.remove ${aid}`); },
          };
        },
        leftoverCgroup: (aid) => (this.leftovers.has(aid)
          ? { pids: () => [], freeze: async () => {}, thaw: async () => {}, kill: async () => { this.calls.push(`leftover.kill ${aid}`); }, remove: async () => { this.calls.push(`leftover.remove ${aid}`); } }
          : undefined),
        limits: () => this.limits,
        startProxy: async (policy, lineage, socketPath) => {
          this.calls.push(`proxy.start ${policy.id} lineage=${lineage.join('/')} ${existsSync(join(socketPath, '..')) ? 'dir-ok' : 'no-dir'}`);
          writeFileSync(socketPath, ''); // where the real proxy listens; the manager hands it to the agent's uid
          return { close: async () => { this.calls.push(`proxy.close ${policy.id}`); } };
        },
        launch: async (policy, spec) => {
          this.calls.push(`launch ${policy.id} after ${this.lastLifecycle()}`);
          assert.equal(spec.env.HTTP_PROXY, policy.network.length > 0 ? 'http://127.0.0.1:3128' : undefined);
          assert.equal(spec.egress?.socket, policy.network.length > 0 ? '/run/octant/egress.sock' : undefined);
          assert.equal(Object.values(spec.env).some((v) => v.startsWith('tok-')), false, 'no token in the environment');
          this.launched.set(policy.id, spec);
          writeFileSync(spec.stdout, `hello from ${policy.id}\n`);
          let exit!: (s: ExitStatus) => void;
          const exited = new Promise<ExitStatus>((r) => { exit = r; });
          this.processes.set(policy.id, { exit });
          return { pid: 4242, exited };
        },
      },
      ledger: {
        append: async (event) => {
          if (event.kind === 'lifecycle' && event.action === 'transition' && event.detail.event === 'terminate') this.calls.push(`ledger.terminate ${event.agent}`);
          return this.ledger.append(event);
        },
        seal: async (agent, detail = {}) => {
          this.calls.push(`ledger.seal ${agent}`);
          return this.ledger.seal(agent, detail);
        },
      },
      vault: {
        issueToken: async (agent, grants) => { this.calls.push(`vault.issue ${agent} ${grants.join(',')}`); return `tok-${agent}`; },
        revokeAgent: async (agent) => { this.calls.push(`vault.revoke ${agent}`); return 1; },
      },
    };
  }

  manager(): LifecycleManager {
    const approvals = this.approvals;
    const approve = approvals === undefined ? undefined : async (request: ApprovalRequest) => {
      this.asked.push(`${request.action} ${request.target}`);
      const approved = approvals.shift() ?? false;
      return { approved, id: 'apr_test', reason: approved ? 'approved by key k' : 'denied by key k' };
    };
    return new LifecycleManager({ ...this.deps(), approve });
  }

  transitions(aid: string): string[] {
    return this.events.filter((e) => e.agent === aid && e.kind === 'lifecycle').map((e) => `${e.action}:${String(e.detail.event ?? '')}`);
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

async function withWorld(body: (w: FakeWorld, m: LifecycleManager) => Promise<void>): Promise<void> {
  const w = new FakeWorld();
  try {
    await body(w, w.manager());
  } finally {
    w.cleanup();
  }
}

const basic: FakeSigned = { name: 'worker', perms: ['a', 'b', 'net'] };
const spawner = (spawn: FakeSigned['spawn'], extra: Partial<FakeSigned> = {}): FakeSigned => ({ name: 'boss', perms: ['a', 'b', 'c'], spawn, ...extra });

test('start: provisioned → validated → isolated → running, each recorded before its work', async () => {
  await withWorld(async (w, m) => {
    const r = await m.start({ signed: basic, command: ['agent', '--run'] });
    assert.equal(r.state, 'running');
    assert.equal(r.operator, 'operator-key-1');
    assert.equal(r.manifestHash, 'hash-worker');
    assert.deepEqual(w.transitions(r.aid), ['transition:provision', 'transition:validate', 'transition:isolate', 'transition:start']);
    assert.ok(w.calls.includes(`cgroup.create ${r.aid} after isolate`));
    assert.ok(w.calls.includes(`launch ${r.aid} after start`));
    assert.ok(w.calls.includes(`vault.issue ${r.aid} a,b,net`));
    const onDisk = readRecord(join(w.root, 'agents'), r.aid);
    assert.equal(onDisk.state, 'running');
    assert.deepEqual(onDisk.history.map((h) => h.state), ['provisioned', 'validated', 'isolated', 'running']);
    const run = join(w.root, 'sandboxes', r.aid, 'run');
    assert.equal(readFileSync(join(run, 'token'), 'utf8'), `tok-${r.aid}`);
    // The token and the sockets belong to the agent's uid alone; the scratch directory too.
    for (const [file, mode] of [['token', 0o400], ['egress.sock', 0o600]] as const) {
      const stat = statSync(join(run, file));
      assert.deepEqual([stat.uid, stat.gid, stat.mode & 0o777], [w.agentUser.uid, w.agentUser.gid, mode], file);
    }
    const scratch = statSync(join(w.root, 'sandboxes', r.aid, 'scratch'));
    assert.deepEqual([scratch.uid, scratch.mode & 0o777], [w.agentUser.uid, 0o700]);
    assert.equal(readFileSync(join(w.root, 'agents', r.aid, 'stdout.log'), 'utf8'), `hello from ${r.aid}\n`);
    await m.terminate(r.aid, 'test over');
  });
});

test('suspend and resume use the freezer after the ledger entry; illegal ones throw and record nothing', async () => {
  await withWorld(async (w, m) => {
    const { aid } = await m.start({ signed: basic, command: ['x'] });
    await assert.rejects(m.resume(aid), (e) => isOctantError(e, 'E_LIFECYCLE_TRANSITION'));
    assert.equal((await m.suspend(aid)).state, 'suspended');
    assert.ok(w.calls.includes(`cgroup.freeze ${aid} after suspend`));
    const count = w.events.length;
    await assert.rejects(m.suspend(aid), (e) => isOctantError(e, 'E_LIFECYCLE_TRANSITION'));
    assert.equal(w.events.length, count, 'an illegal transition is not recorded');
    assert.equal((await m.resume(aid)).state, 'running');
    assert.ok(w.calls.includes(`cgroup.thaw ${aid} after resume`));
    await m.terminate(aid, 'done');
    assert.throws(() => m.terminate(aid, 'again'), (e) => isOctantError(e, 'E_LIFECYCLE_TRANSITION'));
  });
});

test('termination sequence: ledger, halt, revoke, release, seal, then retention', async () => {
  await withWorld(async (w, m) => {
    const { aid } = await m.start({ signed: { ...basic, retain: ['out/report.txt', 'missing.txt'] }, command: ['x'] });
    const scratch = join(w.root, 'sandboxes', aid, 'scratch');
    mkdirSync(join(scratch, 'out'), { recursive: true });
    writeFileSync(join(scratch, 'out', 'report.txt'), 'keep me');
    writeFileSync(join(scratch, 'out', 'tmp.bin'), 'drop me');
    writeFileSync(join(scratch, 'notes'), 'drop me too');
    w.calls = [];
    const final = await m.terminate(aid, 'operator stop');
    assert.deepEqual(w.calls, [
      `ledger.terminate ${aid}`, `cgroup.kill ${aid}`, `vault.revoke ${aid}`, `proxy.close ${aid}`, `cgroup.remove ${aid}`, `ledger.seal ${aid}`, `users.release ${aid}`,
    ]);
    assert.equal(final.state, 'archived');
    assert.equal(final.reason, 'operator stop');
    assert.deepEqual(final.exit, { code: null, signal: 'SIGKILL' });
    assert.deepEqual(final.retained, ['out/report.txt']);
    assert.deepEqual(w.sealed.get(aid)?.retained, ['out/report.txt']);
    assert.equal(w.sealed.get(aid)?.to, 'archived');
    assert.equal(readFileSync(join(w.root, 'agents', aid, 'retained', 'out', 'report.txt'), 'utf8'), 'keep me');
    assert.equal(existsSync(scratch), false);
    assert.equal(existsSync(join(w.root, 'run', aid)), false, 'socket and token are gone');
    assert.equal(readRecord(join(w.root, 'agents'), aid).state, 'archived');
  });
});

test('retention refuses paths through symlinks the agent planted', async () => {
  await withWorld(async (w, m) => {
    const outside = join(w.root, 'host-secrets');
    mkdirSync(outside);
    writeFileSync(join(outside, 'passwd'), 'host file');
    const { aid } = await m.start({ signed: { ...basic, retain: ['out/passwd', 'link'] }, command: ['x'] });
    const scratch = join(w.root, 'sandboxes', aid, 'scratch');
    symlinkSync(outside, join(scratch, 'out'));
    symlinkSync(join(outside, 'passwd'), join(scratch, 'link'));
    const final = await m.terminate(aid, 'stop');
    assert.deepEqual(final.retained, []);
    assert.equal(readFileSync(join(outside, 'passwd'), 'utf8'), 'host file', 'the host file stays where it was');
    assert.equal(existsSync(join(w.root, 'agents', aid, 'retained')), false);
  });
});

test('a retain path outside the scratch directory rejects the manifest', async () => {
  await withWorld(async (w, m) => {
    await assert.rejects(m.start({ signed: { ...basic, retain: ['../../etc/passwd'] }, command: ['x'] }), (e) => isOctantError(e, 'E_LIFECYCLE_RETAIN'));
    await assert.rejects(m.start({ signed: { ...basic, retain: ['/etc/passwd'] }, command: ['x'] }), (e) => isOctantError(e, 'E_LIFECYCLE_RETAIN'));
    assert.ok(!w.calls.some((c) => c.startsWith('cgroup.create')));
  });
});

test('an invalid manifest is rejected: recorded, sealed, nothing built', async () => {
  await withWorld(async (w, m) => {
    await assert.rejects(m.start({ signed: { ...basic, invalid: 'bad signature' }, command: ['x'] }), (e) => isOctantError(e, 'E_MANIFEST_SIGNATURE'));
    const [record] = m.list();
    assert.equal(record.state, 'rejected');
    assert.match(record.reason ?? '', /bad signature/);
    assert.deepEqual(w.transitions(record.aid), ['transition:provision', 'transition:reject']);
    assert.equal(w.events.at(-1)?.detail.code, 'E_MANIFEST_SIGNATURE');
    assert.ok(w.sealed.has(record.aid));
    assert.deepEqual(w.calls, [`ledger.seal ${record.aid}`]);
  });
});

test('a failed isolation tears down what was built and archives the agent', async () => {
  await withWorld(async (w, m) => {
    w.failCgroup = true;
    await assert.rejects(m.start({ signed: basic, command: ['x'] }), (e) => isOctantError(e, 'E_CGROUP_CREATE'));
    const [record] = m.list();
    assert.equal(record.state, 'archived');
    assert.match(record.reason ?? '', /failed to start: cannot create/);
    assert.ok(w.calls.includes(`vault.revoke ${record.aid}`));
    assert.ok(w.sealed.has(record.aid));
  });
});

test('the agent exiting on its own terminates and archives it with its exit status', async () => {
  await withWorld(async (w, m) => {
    const { aid } = await m.start({ signed: basic, command: ['x'] });
    w.processes.get(aid)!.exit({ code: 3, signal: null });
    const final = await m.waitForEnd(aid);
    assert.equal(final.state, 'archived');
    assert.equal(final.reason, 'exited with code 3');
    assert.deepEqual(final.exit, { code: 3, signal: null });
  });
});

test('TTL expiry terminates the agent', async () => {
  await withWorld(async (w, m) => {
    const { aid, deadline } = await m.start({ signed: { ...basic, ttl: 60 }, command: ['x'] });
    assert.equal(deadline, new Date(w.clock + 60_000).toISOString());
    await w.advance(59_000);
    assert.equal(m.get(aid).state, 'running');
    await w.advance(1_000);
    const final = await m.waitForEnd(aid);
    assert.equal(final.state, 'archived');
    assert.equal(final.reason, 'ttl expired');
  });
});

test('spawn: refused when the parent manifest does not allow it', async () => {
  await withWorld(async (w, m) => {
    const parent = await m.start({ signed: spawner({ allowed: false, maxDepth: 3, maxDescendants: 3 }), command: ['x'] });
    await assert.rejects(m.start({ signed: basic, command: ['y'], parent: parent.aid }), (e) => isOctantError(e, 'E_LIFECYCLE_SPAWN_DENIED'));
    const child = m.list().find((r) => r.aid !== parent.aid)!;
    assert.equal(child.state, 'rejected');
    assert.deepEqual(child.lineage, [parent.aid]);
    await m.close();
  });
});

test('spawn: effective permissions are the intersection; lineage and operator follow the parent', async () => {
  await withWorld(async (w, m) => {
    const root = await m.start({ signed: spawner({ allowed: true, maxDepth: 2, maxDescendants: 5 }), command: ['x'] });
    const child = await m.start({ signed: { name: 'kid', perms: ['b', 'c', 'z', 'net'], spawn: { allowed: true, maxDepth: 1, maxDescendants: 1 } }, command: ['y'], parent: root.aid });
    assert.deepEqual(w.policies.get(child.aid)!.credentials, ['b', 'c']);
    assert.deepEqual(w.policies.get(child.aid)!.network, [], 'the parent has no egress, so neither does the child');
    assert.ok(!w.calls.some((c) => c.startsWith(`proxy.start ${child.aid}`)), 'no egress, no proxy');
    const grandchild = await m.start({ signed: { name: 'grandkid', perms: ['a', 'c'] }, command: ['z'], parent: child.aid });
    assert.deepEqual(w.policies.get(grandchild.aid)!.credentials, ['c']);
    assert.deepEqual(grandchild.lineage, [root.aid, child.aid]);
    assert.equal(grandchild.depth, 2);
    assert.equal(grandchild.operator, 'operator-key-1');
    const entry = w.events.find((e) => e.agent === grandchild.aid)!;
    assert.deepEqual(entry.lineage, [root.aid, child.aid]);
    assert.equal(entry.detail.parent, child.aid);
    await m.close();
  });
});

test('spawn: depth is limited by the parent and by every ancestor', async () => {
  await withWorld(async (w, m) => {
    const root = await m.start({ signed: spawner({ allowed: true, maxDepth: 1, maxDescendants: 10 }), command: ['x'] });
    const child = await m.start({ signed: spawner({ allowed: true, maxDepth: 5, maxDescendants: 10 }), command: ['y'], parent: root.aid });
    await assert.rejects(m.start({ signed: basic, command: ['z'], parent: child.aid }), (e) => isOctantError(e, 'E_LIFECYCLE_SPAWN_DEPTH') && e.message.includes(root.aid));
    await m.close();
  });
});

test('spawn: the descendant budget counts live descendants only', async () => {
  await withWorld(async (w, m) => {
    const root = await m.start({ signed: spawner({ allowed: true, maxDepth: 3, maxDescendants: 2 }), command: ['x'] });
    const a = await m.start({ signed: basic, command: ['a'], parent: root.aid });
    await m.start({ signed: basic, command: ['b'], parent: root.aid });
    await assert.rejects(m.start({ signed: basic, command: ['c'], parent: root.aid }), (e) => isOctantError(e, 'E_LIFECYCLE_SPAWN_BUDGET'));
    await m.terminate(a.aid, 'done');
    const c = await m.start({ signed: basic, command: ['c'], parent: root.aid });
    assert.equal(c.state, 'running');
    await m.close();
  });
});

test('spawn: a suspended parent cannot spawn', async () => {
  await withWorld(async (w, m) => {
    const root = await m.start({ signed: spawner({ allowed: true, maxDepth: 3, maxDescendants: 2 }), command: ['x'] });
    await m.suspend(root.aid);
    await assert.rejects(m.start({ signed: basic, command: ['a'], parent: root.aid }), (e) => isOctantError(e, 'E_LIFECYCLE_SPAWN_PARENT'));
    await m.close();
  });
});

async function family(w: FakeWorld, m: LifecycleManager, policy: ChildrenPolicy, grace = 0): Promise<{ parent: string; kids: string[] }> {
  const parent = await m.start({ signed: spawner({ allowed: true, maxDepth: 2, maxDescendants: 5 }, { children: policy, grace }), command: ['p'] });
  const kids = [];
  for (const n of [1, 2]) kids.push((await m.start({ signed: { ...basic, name: `kid${n}` }, command: ['k'], parent: parent.aid })).aid);
  return { parent: parent.aid, kids };
}

test('children fate: terminate ends the children with their parent', async () => {
  await withWorld(async (w, m) => {
    const { parent, kids } = await family(w, m, 'terminate');
    await m.terminate(parent, 'stop');
    for (const kid of kids) {
      const r = m.get(kid);
      assert.equal(r.state, 'archived');
      assert.equal(r.reason, `parent ${parent} terminated`);
    }
    // The children were halted before the parent's partition was sealed.
    assert.ok(w.calls.indexOf(`ledger.seal ${kids[0]}`) < w.calls.indexOf(`ledger.seal ${parent}`));
  });
});

test('children fate: wind-down lets the children run until the grace period ends', async () => {
  await withWorld(async (w, m) => {
    const { parent, kids } = await family(w, m, 'wind-down', 30);
    await m.terminate(parent, 'stop');
    assert.equal(m.get(kids[0]).state, 'running');
    assert.equal(m.get(kids[0]).deadline, new Date(w.clock + 30_000).toISOString());
    await w.advance(30_000);
    for (const kid of kids) {
      const r = await m.waitForEnd(kid);
      assert.equal(r.state, 'archived');
      assert.match(r.reason ?? '', /wind-down grace ended/);
    }
  });
});

test('children fate: adoption hands the children to the system', async () => {
  await withWorld(async (w, m) => {
    const { parent, kids } = await family(w, m, 'adopt');
    await m.terminate(parent, 'stop');
    for (const kid of kids) {
      const r = m.get(kid);
      assert.equal(r.state, 'running');
      assert.equal(r.parent, 'system');
      assert.deepEqual(r.lineage, [parent]);
      assert.ok(w.events.some((e) => e.agent === kid && e.action === 'adopt' && e.detail.from === parent));
    }
    await m.close();
    assert.equal(m.list().every((r) => r.state === 'archived'), true);
  });
});

test('wrapped program, exec critical: the start waits for approval; denied, nothing is launched', async () => {
  const w = new FakeWorld();
  w.approvals = [false];
  const m = w.manager();
  try {
    await assert.rejects(m.start({ signed: { ...basic, critical: ['exec'] }, command: ['x'], wrapped: true }), (e) => isOctantError(e, 'E_APPROVAL_DENIED'));
    assert.deepEqual(w.asked, ['exec x']);
    assert.equal(w.launched.size, 0);
  } finally {
    w.cleanup();
  }
});

test('wrapped program, exec critical and approved: it is launched (working twin)', async () => {
  const w = new FakeWorld();
  w.approvals = [true];
  const m = w.manager();
  try {
    const r = await m.start({ signed: { ...basic, critical: ['exec'] }, command: ['x'], wrapped: true });
    assert.equal(r.state, 'running');
    assert.equal(w.launched.size, 1);
  } finally {
    w.cleanup();
  }
});

test('wrapped program with something critical and no approval gate is refused (fail closed)', async () => {
  await withWorld(async (w, m) => {
    await assert.rejects(m.start({ signed: { ...basic, critical: ['exec'] }, command: ['x'], wrapped: true }), (e) => isOctantError(e, 'E_GOVERNANCE_NO_GATE'));
    assert.equal(w.launched.size, 0);
  });
});

test('wrapped program, fs.write critical: its scratch directory is mounted read-only; a native agent keeps it writable', async () => {
  await withWorld(async (w, m) => {
    const wrapped = await m.start({ signed: { ...basic, critical: ['fs.write'] }, command: ['x'], wrapped: true });
    assert.equal(w.launched.get(wrapped.aid)!.binds.find((b) => b.target === '/scratch')!.mode, 'ro');
    const native = await m.start({ signed: { ...basic, name: 'native', critical: ['fs.write'] }, command: ['x'] });
    assert.equal(w.launched.get(native.aid)!.binds.find((b) => b.target === '/scratch')!.mode, 'rw');
  });
});

test('reconcile after a crash: every record left live is terminated, its leftovers killed and removed, sealed as crashed, archived', async () => {
  await withWorld(async (w, crashed) => {
    const running = await crashed.start({ signed: basic, command: ['x'] });
    const suspended = await crashed.start({ signed: { ...basic, name: 'other' }, command: ['y'] });
    await crashed.suspend(suspended.aid);
    // The daemon dies here: nothing of the first manager is closed. A new one starts on the same directories.
    w.leftovers.add(running.aid);
    w.calls = [];
    const restarted = w.manager();
    const ended = await restarted.reconcile();
    assert.deepEqual(ended.map((r) => r.state).sort(), ['archived', 'archived']);
    for (const aid of [running.aid, suspended.aid]) {
      const record = readRecord(join(w.root, 'agents'), aid);
      assert.equal(record.state, 'archived');
      assert.match(record.reason ?? '', /daemon crashed/);
      assert.match(JSON.stringify(w.sealed.get(aid)), /daemon crashed/);
      assert.ok(w.calls.includes(`vault.revoke ${aid}`));
      assert.equal(existsSync(join(w.root, 'run', aid)), false, 'run directory removed');
    }
    assert.ok(w.calls.includes(`leftover.kill ${running.aid}`) && w.calls.includes(`leftover.remove ${running.aid}`));
    // Nothing is left to reconcile the second time, and the records answer as archived.
    assert.deepEqual(await restarted.reconcile(), []);
    assert.equal(restarted.list().every((r) => r.state === 'archived'), true);
    await assert.rejects(async () => restarted.terminate(running.aid, 'again'), (e) => isOctantError(e, 'E_LIFECYCLE_TRANSITION'));
  });
});

// Where no cgroup can be made (an ordinary user on cgroup v1), an agent is
// refused before anything is built, unless the operator accepted it; then the
// acceptance is in the ledger and the record, and the launch is told.
const unenforced: LimitsEnforcement = { enforced: false, reason: 'this machine uses cgroup v1', hint: 'run as root' };

test('limits that cannot be enforced: the agent is refused, naming why, with nothing built', async () => {
  await withWorld(async (w, m) => {
    w.limits = unenforced;
    await assert.rejects(m.start({ signed: basic, command: ['agent'] }), (e) => isOctantError(e, 'E_SANDBOX_LIMITS_UNENFORCED') && /cgroup v1/.test(e.message) && /--accept-unenforced-limits/.test(e.hint ?? ''));
    assert.equal(w.calls.some((c) => c.startsWith('cgroup.create') || c.startsWith('launch')), false);
    const rejected = w.events.find((e) => e.detail.event === 'reject');
    assert.equal(rejected?.detail.code, 'E_SANDBOX_LIMITS_UNENFORCED');
  });
});

test('limits that cannot be enforced: accepted by the run or by the config, recorded in the ledger and the record', async () => {
  await withWorld(async (w, m) => {
    w.limits = unenforced;
    const r = await m.start({ signed: basic, command: ['agent'], acceptUnenforcedLimits: true });
    assert.deepEqual(r.limits, { enforced: false, reason: 'this machine uses cgroup v1', acceptedBy: 'octant run --accept-unenforced-limits' });
    assert.equal(w.launched.get(r.aid)?.acceptUnenforcedLimits, true);
    const validated = w.events.find((e) => e.agent === r.aid && e.detail.event === 'validate');
    assert.deepEqual(validated?.detail.limits, r.limits);
    assert.equal(w.events.find((e) => e.agent === r.aid && e.detail.event === 'start')?.detail.limits, 'unenforced');
    assert.equal(readRecord(join(w.root, 'agents'), r.aid).limits?.enforced, false);
  });
  const w = new FakeWorld();
  try {
    w.limits = unenforced;
    const m = new LifecycleManager({ ...w.deps(), acceptUnenforcedLimits: true });
    const r = await m.start({ signed: basic, command: ['agent'] });
    assert.equal(r.limits?.enforced === false && r.limits.acceptedBy, 'services.agents.acceptUnenforcedLimits');
  } finally {
    w.cleanup();
  }
});

test('limits enforced: recorded as such, and the launch is not told to accept anything', async () => {
  await withWorld(async (w, m) => {
    const r = await m.start({ signed: basic, command: ['agent'], acceptUnenforcedLimits: true });
    assert.deepEqual(r.limits, { enforced: true, detail: 'cgroup v2 (fake)' });
    assert.equal(w.launched.get(r.aid)?.acceptUnenforcedLimits, false);
  });
});
