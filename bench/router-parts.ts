// What the router bench measures the router with, and the floor it measures
// it against:
// - realParts: the production configuration. The ledger is a LedgerStore on
//   disk (each append resolves after its group's fdatasync, as in the
//   running system) and credentials come from a real Vault (unsealed, the
//   secret injected per call for the agent's token, each access
//   recorded in that same ledger first).
// - standInParts: the router's own work alone. A ledger that numbers
//   entries and keeps none, and an injector that puts a fixed key in.
// - forwardingProxy: a proxy with no logic at all (bytes in, bytes out, one
//   upstream connection per downstream one). What it adds over the direct
//   path is the least any proxy on this machine can add: two more loopback
//   hops and one more thread to schedule on the same two vCPUs.

import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { LedgerStore } from '../src/services/ledger/store.ts';
import type { LedgerApi, LedgerEntry, LedgerEvent } from '../src/services/ledger/types.ts';
import { vaultInjector } from '../src/services/router/index.ts';
import { testInjector } from '../src/services/router/testing/test-injector.ts';
import type { Caller, CredentialInjector } from '../src/services/router/types.ts';
import { Vault } from '../src/services/vault/vault.ts';

export interface RouterParts {
  ledger: LedgerApi;
  injector: CredentialInjector;
  /** The bench agent as the gateway's authenticate() resolves it. */
  caller: Caller;
  /** The grant name the deployment's `credential` refers to. */
  credential: string;
  describe: string;
  close(): Promise<void>;
}

const BUDGET = { usdPerDay: 1e9 };

/**
 * The ledger stand-in: numbers entries and keeps none (keeping 2 entries
 * per request in memory would only grow the heap and add old-generation
 * GCs to the measured thread).
 */
function countingLedger(): LedgerApi {
  let seq = 0;
  const append = async (event: LedgerEvent): Promise<LedgerEntry> => ({ ...event, seq: seq++, time: '', prev: '' });
  return { append, seal: (agent, detail = {}) => append({ agent, lineage: [], kind: 'system', action: 'seal', target: agent, decision: 'ok', detail }) };
}

export function standInParts(): RouterParts {
  return {
    ledger: countingLedger(),
    injector: testInjector({ k: 'sk-bench' }),
    caller: { agent: 'bench', lineage: [], budget: BUDGET },
    credential: 'k',
    describe: 'stand-in ledger (keeps nothing) and fixed-key injector',
    close: async () => {},
  };
}

/** A ledger and a vault under `dir` (on the state root's disk), the key granted to agent 'bench' for `origin`. */
export async function realParts(dir: string, origin: string): Promise<RouterParts> {
  const store = await LedgerStore.open(join(dir, 'ledger'));
  mkdirSync(join(dir, 'vault'), { recursive: true });
  // The KDF's cost is the unseal's, not a call's: the cheapest parameters do.
  const passphrase = (): Buffer => Buffer.from('bench passphrase, not a secret');
  const { vault } = await Vault.init({ file: join(dir, 'vault', 'vault.json'), ledger: store }, { passphrase: passphrase(), kdf: { passes: 1, memoryKiB: 1024, parallelism: 1 } });
  await vault.unseal({ passphrase: passphrase() });
  await vault.put('provider-key', Buffer.from('sk-bench-upstream-0123456789'), { kind: 'header', name: 'authorization', format: 'Bearer {secret}', hosts: [new URL(origin).host] });
  await vault.grant('provider-key', 'agent:bench');
  const vaultToken = await vault.issueToken('bench', ['provider-key'], { ttlSeconds: 3600 });
  return {
    ledger: store,
    injector: vaultInjector(vault),
    caller: { agent: 'bench', lineage: [], budget: BUDGET, vaultToken },
    credential: 'provider-key',
    describe: `ledger on disk (${dir}), vault injection`,
    close: async () => {
      await vault.seal();
      await store.close();
    },
  };
}

export async function forwardingProxy(path: string, origin: string): Promise<{ address: string; close(): Promise<void> }> {
  const url = new URL(origin);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((down) => {
    const up = net.connect(Number(url.port), url.hostname);
    up.setNoDelay(true);
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    down.on('data', (d: Buffer) => up.write(d));
    up.on('data', (d: Buffer) => down.write(d));
    down.on('close', () => up.destroy());
    up.on('close', () => down.destroy());
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    address: path,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
