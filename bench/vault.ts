// Vault benchmark: unseal time with the default Argon2id parameters
// (t=3, m=64 MiB, p=4) and the latency of reading a secret after unseal
// (token check, grant and host check, unwrap the data key, decrypt, inject),
// against the goals <= 300 ms and <= 0.1 ms. The ledger here is in memory so
// the figure is the vault's own cost; a real inject adds one durable ledger
// append (see the ledger's own benchmark).
//   node bench/vault.ts

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerApi, LedgerEvent } from '../src/services/ledger/types.ts';
import { Vault } from '../src/services/vault/vault.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-bench-vault-'));
try {
  const file = join(dir, 'vault.json');
  const passphrase = Buffer.from('bench passphrase');
  // Accepts and forgets: the figure is the vault's own cost.
  const append = async (event: LedgerEvent) => ({ ...event, seq: 0, time: '', prev: '' });
  const ledger: LedgerApi = { append, seal: (agent) => append({ agent, lineage: [], kind: 'lifecycle', action: 'seal', target: agent, decision: 'ok', detail: {} }) };
  const { vault } = await Vault.init({ file, ledger }, { passphrase });
  await vault.unseal({ passphrase });
  for (let i = 0; i < 100; i++) {
    await vault.put(`s${i}`, Buffer.from(`secret-value-${i}-${'x'.repeat(40)}`), { kind: 'header', name: 'Authorization', format: 'Bearer {secret}', hosts: ['api.example.com'] });
    await vault.grant(`s${i}`, 'agent:bench');
  }
  await vault.seal();

  const unsealRuns: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    await vault.unseal({ passphrase });
    unsealRuns.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (i < 4) await vault.seal();
  }
  unsealRuns.sort((a, b) => a - b);
  const unsealMs = unsealRuns[2];

  const names = Array.from({ length: 100 }, (_, i) => `s${i}`);
  const token = await vault.issueToken('bench', names, { ttlSeconds: 600 });
  const request = { url: 'https://api.example.com/v1/chat', headers: { 'content-type': 'application/json' } };
  for (let i = 0; i < 2_000; i++) await vault.inject(token, names[i % 100], request); // warm up
  const n = 20_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await vault.inject(token, names[i % 100], request);
  const readMs = Number(process.hrtime.bigint() - t0) / 1e6 / n;

  console.log(`unseal (argon2id t=3 m=64MiB p=4, median of 5): ${unsealMs.toFixed(1)} ms  goal 300 ms  ratio ${(unsealMs / 300).toFixed(2)}`);
  console.log(`secret read after unseal (inject, mean of ${n}): ${(readMs * 1000).toFixed(1)} us  goal 100 us  ratio ${(readMs / 0.1).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
