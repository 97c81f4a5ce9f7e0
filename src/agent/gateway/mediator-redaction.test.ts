// A tool that cuts its output (fs.read's size cap) never shows the head of a
// secret it cut: the mediator's redaction treats the end of every string as a
// cut. With the vault's real redactor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry } from '../../services/ledger/api.ts';
import { REDACTED, Redactor } from '../../services/vault/api.ts';
import type { Manifest } from '../manifest/schema.ts';
import { fsRead } from '../tools/fs-tools.ts';
import type { AgentSession } from '../tools/tool.ts';
import { createMediator } from './mediator.ts';
import { TEST_AGENT } from '../../../test/support/agent-user.ts';

const SECRET = 'db-pass-7f3a9c1e5b2d4f6a8c0e';

test('fs.read cut inside a secret at any offset shows none of it; the whole secret is redacted when it fits', async () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'octant-cut-')));
  mkdirSync(join(root, 'data'));
  const redactor = new Redactor();
  redactor.add(SECRET);
  const manifest = { filesystem: { read: [join(root, 'data')], write: [] }, network: { destinations: [] }, governance: { critical: [] } } as unknown as Manifest;
  const session: AgentSession = { aid: 'agt_cut', lineage: [], manifest, workspace: [root], contacted: new Set(), token: 'tok', user: TEST_AGENT };
  const mediator = createMediator({
    tools: [fsRead],
    ledger: async (e) => ({ ...e, seq: 0, time: '', prev: '' }) as LedgerEntry,
    approve: async () => ({ approved: false, id: 'x', reason: 'none' }),
    redact: (t) => redactor.redact(t),
    redactAsync: (t) => redactor.redactAsync(t),
  });
  const read = async (text: string): Promise<{ content: string; truncated: boolean }> => {
    writeFileSync(join(root, 'data', 'f.txt'), text);
    const reply = await mediator.mediate(session, 'fs.read', { path: join(root, 'data', 'f.txt') });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    const result = (reply as { result: Record<string, unknown> }).result;
    return { content: String(result.content ?? result.text), truncated: result.truncated === true };
  };
  try {
    // The tool's cap, as it reports it.
    const cap = (await read('.'.repeat(1 << 20))).content.length;
    for (const shown of [3, 10, SECRET.length - 1]) {
      const { content, truncated } = await read(`${'.'.repeat(cap - shown)}${SECRET} after`);
      assert.equal(truncated, true);
      assert.ok(!content.includes(SECRET.slice(0, 3)), `cut after ${shown}`);
      assert.ok(content.endsWith(REDACTED), `cut after ${shown}`);
    }
    const whole = await read(`${'.'.repeat(100)}${SECRET} after`);
    assert.equal(whole.content, `${'.'.repeat(100)}${REDACTED} after`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
