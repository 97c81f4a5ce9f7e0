import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, OctantError, isOctantError } from '../../lib/errors.ts';
import { rootLayout } from '../../runtime/paths.ts';
import { runningOrOffline, systemAnswers } from './running-system.ts';

const fail = (code: string) => async (): Promise<string> => { throw new OctantError(code, code, { exit: EXIT.unavailable }); };
const offline = async (): Promise<string> => 'offline';

test('no system answering means the offline path; any other failure is a failure', async () => {
  assert.equal(await runningOrOffline(async () => 'running', offline), 'running');
  assert.equal(await runningOrOffline(fail('E_NOT_RUNNING'), offline), 'offline');
  assert.equal(await runningOrOffline(fail('E_ADMIN_NOT_FOUND'), offline, ['E_ADMIN_NOT_FOUND']), 'offline');
  // Twins: the same codes are failures where they do not mean "offline".
  await assert.rejects(runningOrOffline(fail('E_ADMIN_NOT_FOUND'), offline), (e) => isOctantError(e, 'E_ADMIN_NOT_FOUND'));
  await assert.rejects(runningOrOffline(fail('E_VAULT_SEALED'), offline), (e) => isOctantError(e, 'E_VAULT_SEALED'));
});

test('systemAnswers is false when nothing listens on the admin socket', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-running-'));
  try {
    assert.equal(await systemAnswers(rootLayout(root)), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
