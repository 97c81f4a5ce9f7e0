// octant vault init|status|unseal|seal|put|list|rotate|rm|grant|revoke|get
// When a system runs, every subcommand goes through the admin API
// (/v1/vault/...) so the running vault sees the change; otherwise it works on
// the vault file directly, unsealing for the one operation and sealing again.
// Passphrases, shares and values never come from argv or the environment.

import { parseCommandArgs, boolFlag, requirePositional, stringFlag, type Parsed } from '../../lib/args.ts';
import { OctantError, EXIT, isOctantError, usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import { resolvePaths, type Paths } from '../../runtime/paths.ts';
import { adminCall } from '../../runtime/admin/client.ts';
import { openLedger } from '../../services/ledger/api.ts';
import { initVault, openVault, protectProcessMemory, validateRule, vaultFile } from '../../services/vault/api.ts';
import type { InjectionRule, SecretInfo, UnsealInput, Vault, VaultStatus } from '../../services/vault/api.ts';
import { readPassphrase, readShares, readValue } from './vault-input.ts';
import type { Command } from './command.ts';

const USAGE = `octant vault init [--passphrase-fd N] [--key-file PATH] [--shares N --threshold K]
octant vault status [--json]
octant vault unseal [--passphrase-fd N | --share-fd N... | --key-file PATH]
octant vault seal
octant vault put NAME --host HOST[:PORT]... [--header NAME [--format 'Bearer {secret}'] | --query NAME | --basic USER | --rule JSON]
octant vault rotate NAME
octant vault list [--json]
octant vault rm NAME [--version N]
octant vault grant NAME (--agent AID | --manifest NAME)
octant vault revoke NAME (--agent AID | --manifest NAME)
octant vault get NAME [--passphrase-fd N]
  Values are read from stdin (or the terminal, echo off). Passphrases come from
  the terminal or --passphrase-fd; never from arguments or the environment.
  When no system runs, put/rotate/rm/grant/revoke/get unseal for the one
  operation (--passphrase-fd, --share-fd or --key-file, else a prompt).`;

const OPTIONS = {
  json: { type: 'boolean' }, 'passphrase-fd': { type: 'string' }, 'share-fd': { type: 'string', multiple: true },
  'key-file': { type: 'string' }, shares: { type: 'string' }, threshold: { type: 'string' },
  host: { type: 'string', multiple: true }, header: { type: 'string' }, format: { type: 'string' }, query: { type: 'string' },
  basic: { type: 'string' }, rule: { type: 'string' }, version: { type: 'string' }, agent: { type: 'string' }, manifest: { type: 'string' },
} as const;

function int(parsed: Parsed, flag: string): number | undefined {
  const v = stringFlag(parsed, flag);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw usageError(`--${flag}: expected a whole number, got '${v}'`);
  return Number(v);
}

function ruleFrom(parsed: Parsed): InjectionRule {
  const json = stringFlag(parsed, 'rule');
  if (json !== undefined) {
    try {
      return validateRule(JSON.parse(json));
    } catch (error) {
      if (isOctantError(error)) throw error;
      throw usageError('--rule: not valid JSON');
    }
  }
  const hosts = (parsed.values.host as string[] | undefined) ?? [];
  if (hosts.length === 0) throw usageError('vault put: --host is required (where the secret may be sent)');
  const query = stringFlag(parsed, 'query');
  const basic = stringFlag(parsed, 'basic');
  if (query !== undefined) return validateRule({ kind: 'query', name: query, hosts });
  if (basic !== undefined) return validateRule({ kind: 'basic', username: basic, hosts });
  return validateRule({ kind: 'header', name: stringFlag(parsed, 'header') ?? 'Authorization', format: stringFlag(parsed, 'format') ?? 'Bearer {secret}', hosts });
}

function principalFrom(parsed: Parsed, sub: string): string {
  const agent = stringFlag(parsed, 'agent');
  const manifest = stringFlag(parsed, 'manifest');
  if ((agent === undefined) === (manifest === undefined)) throw usageError(`vault ${sub}: give exactly one of --agent AID or --manifest NAME`);
  return agent !== undefined ? `agent:${agent}` : `manifest:${manifest}`;
}

/** Is a system running with a vault? false when nothing answers on the admin socket. */
async function isRunning(paths: Paths): Promise<boolean> {
  try {
    await adminCall(paths, 'GET', '/v1/vault/status');
    return true;
  } catch (error) {
    if (isOctantError(error, 'E_NOT_RUNNING')) return false;
    throw error;
  }
}

async function unlockInput(io: Io, parsed: Parsed): Promise<UnsealInput> {
  const keyFile = stringFlag(parsed, 'key-file');
  const shareFds = (parsed.values['share-fd'] as string[] | undefined) ?? [];
  if (keyFile !== undefined) return { keyFile };
  if (shareFds.length > 0) return { shares: readShares(shareFds) };
  return { passphrase: await readPassphrase(io, stringFlag(parsed, 'passphrase-fd')) };
}

function wipeInput(input: UnsealInput): void {
  if ('passphrase' in input) input.passphrase.fill(0);
}

/** No system runs: open the ledger and the file, unseal for `work`, seal again. */
async function offline<T>(paths: Paths, io: Io, parsed: Parsed, work: (vault: Vault) => Promise<T>, given?: UnsealInput): Promise<T> {
  protectProcessMemory();
  const ledger = await openLedger(paths);
  try {
    const vault = openVault(paths, ledger);
    const input = given ?? await unlockInput(io, parsed);
    try {
      await vault.unseal(input);
    } finally {
      wipeInput(input);
    }
    try {
      return await work(vault);
    } finally {
      await vault.seal();
    }
  } finally {
    await ledger.close();
  }
}

function printStatus(io: Io, s: VaultStatus, running: boolean, json: boolean): void {
  if (json) return writeJson(io.stdout, { ...s, running });
  if (!s.initialized) return writeLine(io.stdout, "vault: not initialized (run 'octant vault init')");
  writeLine(io.stdout, `vault: ${s.sealed ? 'sealed' : 'unsealed'}${running ? '' : ' (no system running)'}`);
  writeLine(io.stdout, `secrets: ${s.secrets}  tokens: ${s.tokens}  unlock: ${s.unlock.join(', ')}`);
  if (s.kdf) writeLine(io.stdout, `kdf: ${s.kdf.alg} t=${s.kdf.passes} m=${s.kdf.memoryKiB} KiB p=${s.kdf.parallelism}`);
  if (s.shamir) writeLine(io.stdout, `shamir: ${s.shamir.threshold} of ${s.shamir.shares} shares`);
}

function describeRule(r: InjectionRule): string {
  const where = r.kind === 'header' ? `header ${r.name}: ${r.format}` : r.kind === 'query' ? `query ?${r.name}=` : `basic ${r.username}:`;
  return `${where} -> ${r.hosts.join(', ')}`;
}

function printSecrets(io: Io, list: SecretInfo[], json: boolean): void {
  if (json) return writeJson(io.stdout, list);
  if (list.length === 0) return writeLine(io.stdout, 'no secrets');
  for (const s of list) {
    writeLine(io.stdout, `${s.name}  v${s.current}  ${describeRule(s.rule)}  grants: ${s.grants.join(' ') || '(none)'}`);
  }
}

export const command: Command = {
  name: 'vault',
  summary: 'encrypted secrets: init, unseal, seal, put, rotate, grant to agents, list',
  usage: USAGE,
  async run(argv, { io, rootFlag }) {
    const [sub, ...rest] = argv;
    const parsed = parseCommandArgs(`vault ${sub ?? ''}`.trim(), rest, OPTIONS);
    const paths = resolvePaths({ rootFlag, env: io.env });
    const json = boolFlag(parsed, 'json');
    const name = (): string => requirePositional(parsed, 0, 'NAME', `vault ${sub}`);
    const api = (method: string, path: string, body?: unknown): Promise<unknown> => adminCall(paths, method, `/v1/vault${path}`, body);
    switch (sub) {
      case 'init': {
        const n = int(parsed, 'shares');
        const k = int(parsed, 'threshold');
        if ((n === undefined) !== (k === undefined)) throw usageError('vault init: --shares and --threshold go together');
        const keyFile = stringFlag(parsed, 'key-file');
        const passphrase = await readPassphrase(io, stringFlag(parsed, 'passphrase-fd'), true);
        const options = { passphrase, ...(keyFile !== undefined ? { keyFile } : {}), ...(n !== undefined ? { shamir: { shares: n, threshold: k! } } : {}) };
        let shares: string[];
        try {
          if (await isRunning(paths)) {
            ({ shares } = await api('POST', '/init', { ...options, passphrase: passphrase.toString('base64') }) as { shares: string[] });
          } else {
            protectProcessMemory();
            const ledger = await openLedger(paths);
            try {
              ({ shares } = await initVault(paths, ledger, options));
            } finally {
              await ledger.close();
            }
          }
        } finally {
          passphrase.fill(0);
        }
        writeLine(io.stderr, `vault: initialized ${vaultFile(paths)} (sealed)`);
        if (shares.length > 0) {
          writeLine(io.stderr, `vault: ${shares.length} unseal shares, any ${k} of which unseal; give one to each holder and keep none here:`);
          for (const s of shares) writeLine(io.stdout, s);
        }
        return EXIT.ok;
      }
      case 'status': {
        const running = await isRunning(paths);
        const status = running ? await api('GET', '/status') as VaultStatus : openVault(paths, NO_LEDGER).status();
        printStatus(io, status, running, json);
        return EXIT.ok;
      }
      case 'unseal': {
        if (!(await isRunning(paths))) {
          // Nothing to keep unsealed: check the input and say so.
          await offline(paths, io, parsed, async () => undefined);
          writeLine(io.stdout, 'vault: the unseal input is correct, but no system runs; the vault stays sealed at rest');
          return EXIT.ok;
        }
        const input = await unlockInput(io, parsed);
        try {
          const body = 'passphrase' in input ? { passphrase: input.passphrase.toString('base64') } : input;
          printStatus(io, await api('POST', '/unseal', body) as VaultStatus, true, json);
        } finally {
          wipeInput(input);
        }
        return EXIT.ok;
      }
      case 'seal': {
        if (!(await isRunning(paths))) {
          writeLine(io.stdout, 'vault: no system runs; the vault is sealed at rest');
          return EXIT.ok;
        }
        printStatus(io, await api('POST', '/seal') as VaultStatus, true, json);
        return EXIT.ok;
      }
      case 'list': {
        const list = (await isRunning(paths)) ? await api('GET', '/secrets') as SecretInfo[] : openVault(paths, NO_LEDGER).list();
        printSecrets(io, list, json);
        return EXIT.ok;
      }
      case 'put':
      case 'rotate': {
        const secret = name();
        const rule = sub === 'put' ? ruleFrom(parsed) : undefined;
        const value = await readValue(io);
        try {
          const info = (await isRunning(paths))
            ? await api('POST', sub === 'put' ? '/secrets' : '/rotate', { name: secret, value: value.toString('base64'), rule }) as SecretInfo
            : await offline(paths, io, parsed, (v) => (rule !== undefined ? v.put(secret, value, rule) : v.rotate(secret, value)));
          printSecrets(io, [info], json);
        } finally {
          value.fill(0);
        }
        return EXIT.ok;
      }
      case 'rm': {
        const secret = name();
        const version = int(parsed, 'version');
        if (await isRunning(paths)) await api('POST', '/remove', { name: secret, version });
        else await offline(paths, io, parsed, (v) => v.remove(secret, version));
        writeLine(io.stdout, version === undefined ? `vault: removed ${secret}` : `vault: destroyed version ${version} of ${secret}`);
        return EXIT.ok;
      }
      case 'grant':
      case 'revoke': {
        const secret = name();
        const principal = principalFrom(parsed, sub);
        const info = (await isRunning(paths))
          ? await api('POST', `/${sub}`, { name: secret, principal }) as SecretInfo
          : await offline(paths, io, parsed, (v) => (sub === 'grant' ? v.grant(secret, principal) : v.revoke(secret, principal)));
        printSecrets(io, [info], json);
        return EXIT.ok;
      }
      case 'get': {
        const secret = name();
        const running = await isRunning(paths);
        const passphrase = await readPassphrase(io, stringFlag(parsed, 'passphrase-fd'));
        let value: Buffer;
        try {
          value = running
            ? Buffer.from((await api('POST', '/reveal', { name: secret, passphrase: passphrase.toString('base64') }) as { value: string }).value, 'base64')
            : await offline(paths, io, parsed, (v) => v.reveal(secret, passphrase), { passphrase: Buffer.from(passphrase) });
        } finally {
          passphrase.fill(0);
        }
        // The stream may hold the chunk after write() returns: give it a copy, wipe ours.
        io.stdout.write(Buffer.from(value));
        if (io.stdout === process.stdout && process.stdout.isTTY) io.stdout.write('\n');
        value.fill(0);
        return EXIT.ok;
      }
      default:
        throw usageError(sub === undefined ? 'vault: missing subcommand' : `vault: unknown subcommand '${sub}'`, USAGE);
    }
  },
};

/** Status and list of a sealed vault read metadata only and append nothing. */
const NO_LEDGER = {
  append: () => Promise.reject(new OctantError('E_VAULT_LEDGER', 'vault: no ledger for a read-only view', { exit: EXIT.failure })),
  seal: () => Promise.reject(new OctantError('E_VAULT_LEDGER', 'vault: no ledger for a read-only view', { exit: EXIT.failure })),
};
