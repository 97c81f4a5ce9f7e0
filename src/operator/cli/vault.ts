// octant vault init|status|unseal|seal|put|list|rotate|rm|grant|revoke|get
// When a system runs, every subcommand goes through the admin API
// (/v1/vault/...) so the running vault sees the change; otherwise it works on
// the vault file directly, unsealing for the one operation and sealing again.
// Passphrases, shares and values never come from argv or the environment.

import { boolFlag, requirePositional, stringFlag, stringsFlag, type Parsed } from '../../lib/args.ts';
import { OctantError, EXIT, isOctantError, usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import type { Paths } from '../../runtime/paths.ts';
import { admin } from '../../runtime/admin/client.ts';
import type { Client } from '../../lib/http/client.ts';
import { openLedger } from '../../services/ledger/api.ts';
import { initVault, openVault, protectProcessMemory, validateRule, vaultFile, VAULT_API } from '../../services/vault/api.ts';
import type { InjectionRule, SecretInfo, UnsealInput, Vault, VaultStatus } from '../../services/vault/api.ts';
import { readPassphrase, readShares, readValue } from './vault-input.ts';
import { systemAnswers } from './running-system.ts';
import type { Action, Command, CommandContext, OptionSpecs } from './command.ts';

const NOTES = `Values are read from stdin (or the terminal, echo off). Passphrases come from
the terminal or --passphrase-fd; never from arguments or the environment.
When no system runs, put/rotate/rm/grant/revoke/get unseal for the one
operation (--passphrase-fd, --share-fd or --key-file, else a prompt).`;

const JSON_OUTPUT: OptionSpecs = { json: { type: 'boolean', help: 'print the result as JSON' } };
const PASSPHRASE_FD: OptionSpecs = { 'passphrase-fd': { type: 'string', value: 'N', help: 'read the passphrase from file descriptor N' } };
/** How to unseal for one operation when no system runs. */
const UNLOCK: OptionSpecs = {
  ...PASSPHRASE_FD,
  'share-fd': { type: 'string', multiple: true, value: 'N', help: 'read an unseal share from file descriptor N' },
  'key-file': { type: 'string', value: 'PATH', help: 'unseal with the key in this file' },
};
const PRINCIPAL: OptionSpecs = {
  agent: { type: 'string', value: 'AID', help: "the agent (operator: the CLI's own router test and serve)" },
  manifest: { type: 'string', value: 'NAME', help: 'every agent started from the manifest named NAME' },
};

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
  const hosts = stringsFlag(parsed, 'host');
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

/** Is a system running (its vault then takes every change)? false when nothing answers on the admin socket. */
function isRunning(paths: Paths): Promise<boolean> {
  return systemAnswers(paths, '/v1/vault/status');
}

async function unlockInput(io: Io, parsed: Parsed): Promise<UnsealInput> {
  const keyFile = stringFlag(parsed, 'key-file');
  const shareFds = stringsFlag(parsed, 'share-fd');
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

/** The running vault's admin API (/v1/vault/..., declared in VAULT_API). */
function api(ctx: CommandContext): Client {
  return admin(ctx.paths(), 'vault');
}

const secretName = (parsed: Parsed, sub: string): string => requirePositional(parsed, 0, 'NAME', `vault ${sub}`);

/** put and rotate: a new value from stdin; put also sets where it may be sent. */
function store(name: 'put' | 'rotate'): Action {
  return {
    name,
    summary: name === 'put' ? 'store a secret (value from stdin) and where it may be injected' : 'a new version of a secret (value from stdin)',
    synopsis: [name === 'put' ? "NAME --host HOST[:PORT]... [--header NAME [--format 'Bearer {secret}'] | --query NAME | --basic USER | --rule JSON]" : 'NAME'],
    options: name === 'put'
      ? {
        host: { type: 'string', multiple: true, value: 'HOST[:PORT]', help: 'where the secret may be sent (required)' },
        header: { type: 'string', value: 'NAME', help: 'inject as this header (default Authorization)' },
        format: { type: 'string', value: 'TEMPLATE', help: "the header's value (default 'Bearer {secret}')" },
        query: { type: 'string', value: 'NAME', help: 'inject as this query parameter' },
        basic: { type: 'string', value: 'USER', help: 'inject as HTTP basic auth with this user' },
        rule: { type: 'string', value: 'JSON', help: 'the injection rule as JSON' },
        ...UNLOCK, ...JSON_OUTPUT,
      }
      : { ...UNLOCK, ...JSON_OUTPUT },
    async run(parsed, ctx) {
      const secret = secretName(parsed, name);
      const rule = name === 'put' ? ruleFrom(parsed) : undefined;
      const value = await readValue(ctx.io);
      try {
        const info = (await isRunning(ctx.paths()))
          ? await (rule !== undefined
            ? api(ctx).call(VAULT_API.put, { name: secret, value: value.toString('base64'), rule })
            : api(ctx).call(VAULT_API.rotate, { name: secret, value: value.toString('base64') }))
          : await offline(ctx.paths(), ctx.io, parsed, (v) => (rule !== undefined ? v.put(secret, value, rule) : v.rotate(secret, value)));
        printSecrets(ctx.io, [info], boolFlag(parsed, 'json'));
      } finally {
        value.fill(0);
      }
      return EXIT.ok;
    },
  };
}

/** grant and revoke: who may have a secret injected. */
function access(name: 'grant' | 'revoke'): Action {
  return {
    name,
    summary: name === 'grant' ? 'let an agent (or a manifest\'s agents) use a secret' : 'take that back',
    synopsis: ['NAME (--agent AID | --manifest NAME)'],
    options: { ...PRINCIPAL, ...UNLOCK, ...JSON_OUTPUT },
    async run(parsed, ctx) {
      const secret = secretName(parsed, name);
      const principal = principalFrom(parsed, name);
      const info = (await isRunning(ctx.paths()))
        ? await api(ctx).call(VAULT_API[name], { name: secret, principal })
        : await offline(ctx.paths(), ctx.io, parsed, (v) => (name === 'grant' ? v.grant(secret, principal) : v.revoke(secret, principal)));
      printSecrets(ctx.io, [info], boolFlag(parsed, 'json'));
      return EXIT.ok;
    },
  };
}

const SUBCOMMANDS: readonly Action[] = [
  {
    name: 'init',
    summary: 'create the vault (sealed), with a passphrase and optionally a key file or Shamir shares',
    synopsis: ['[--passphrase-fd N] [--key-file PATH] [--shares N --threshold K]'],
    options: {
      ...PASSPHRASE_FD,
      'key-file': { type: 'string', value: 'PATH', help: 'also allow unsealing with a key in this file' },
      shares: { type: 'string', value: 'N', help: 'split an unseal key into N shares (printed once)' },
      threshold: { type: 'string', value: 'K', help: 'any K of the shares unseal' },
    },
    positionals: false,
    async run(parsed, ctx) {
      const { io } = ctx;
      const paths = ctx.paths();
      const n = int(parsed, 'shares');
      const k = int(parsed, 'threshold');
      if ((n === undefined) !== (k === undefined)) throw usageError('vault init: --shares and --threshold go together');
      const keyFile = stringFlag(parsed, 'key-file');
      const passphrase = await readPassphrase(io, stringFlag(parsed, 'passphrase-fd'), true);
      const options = { passphrase, ...(keyFile !== undefined ? { keyFile } : {}), ...(n !== undefined ? { shamir: { shares: n, threshold: k! } } : {}) };
      let shares: string[];
      try {
        if (await isRunning(paths)) {
          ({ shares } = await api(ctx).call(VAULT_API.init, { ...options, passphrase: passphrase.toString('base64') }));
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
    },
  },
  {
    name: 'status',
    summary: 'initialized, sealed, how many secrets and tokens, how it unseals',
    options: JSON_OUTPUT,
    positionals: false,
    async run(parsed, ctx) {
      const running = await isRunning(ctx.paths());
      const status = running ? await api(ctx).call(VAULT_API.status) : openVault(ctx.paths(), NO_LEDGER).status();
      printStatus(ctx.io, status, running, boolFlag(parsed, 'json'));
      return EXIT.ok;
    },
  },
  {
    name: 'unseal',
    summary: 'unseal the running vault (without one: check the unseal input)',
    synopsis: ['[--passphrase-fd N | --share-fd N... | --key-file PATH]'],
    options: { ...UNLOCK, ...JSON_OUTPUT },
    positionals: false,
    async run(parsed, ctx) {
      const { io } = ctx;
      if (!(await isRunning(ctx.paths()))) {
        // Nothing to keep unsealed: check the input and say so.
        await offline(ctx.paths(), io, parsed, async () => undefined);
        writeLine(io.stdout, 'vault: the unseal input is correct, but no system runs; the vault stays sealed at rest');
        return EXIT.ok;
      }
      const input = await unlockInput(io, parsed);
      try {
        const body = 'passphrase' in input ? { passphrase: input.passphrase.toString('base64') } : 'keyFile' in input ? input : { shares: [...input.shares] };
        printStatus(io, await api(ctx).call(VAULT_API.unseal, body), true, boolFlag(parsed, 'json'));
      } finally {
        wipeInput(input);
      }
      return EXIT.ok;
    },
  },
  {
    name: 'seal',
    summary: 'seal the running vault (its keys leave memory)',
    options: JSON_OUTPUT,
    positionals: false,
    async run(parsed, ctx) {
      if (!(await isRunning(ctx.paths()))) {
        writeLine(ctx.io.stdout, 'vault: no system runs; the vault is sealed at rest');
        return EXIT.ok;
      }
      printStatus(ctx.io, await api(ctx).call(VAULT_API.seal), true, boolFlag(parsed, 'json'));
      return EXIT.ok;
    },
  },
  store('put'),
  store('rotate'),
  {
    name: 'list',
    summary: 'the secrets: versions, injection rules, grants (never values)',
    options: JSON_OUTPUT,
    positionals: false,
    async run(parsed, ctx) {
      const list = (await isRunning(ctx.paths())) ? await api(ctx).call(VAULT_API.list) : openVault(ctx.paths(), NO_LEDGER).list();
      printSecrets(ctx.io, list, boolFlag(parsed, 'json'));
      return EXIT.ok;
    },
  },
  {
    name: 'rm',
    summary: 'remove a secret, or destroy one version of it',
    synopsis: ['NAME [--version N]'],
    options: { version: { type: 'string', value: 'N', help: 'destroy only this version' }, ...UNLOCK },
    async run(parsed, ctx) {
      const secret = secretName(parsed, 'rm');
      const version = int(parsed, 'version');
      if (await isRunning(ctx.paths())) await api(ctx).call(VAULT_API.remove, { name: secret, version });
      else await offline(ctx.paths(), ctx.io, parsed, (v) => v.remove(secret, version));
      writeLine(ctx.io.stdout, version === undefined ? `vault: removed ${secret}` : `vault: destroyed version ${version} of ${secret}`);
      return EXIT.ok;
    },
  },
  access('grant'),
  access('revoke'),
  {
    name: 'get',
    summary: "print a secret's value (asks for the passphrase again)",
    synopsis: ['NAME [--passphrase-fd N]'],
    options: PASSPHRASE_FD,
    async run(parsed, ctx) {
      const { io } = ctx;
      const secret = secretName(parsed, 'get');
      const running = await isRunning(ctx.paths());
      const passphrase = await readPassphrase(io, stringFlag(parsed, 'passphrase-fd'));
      let value: Buffer;
      try {
        value = running
          ? Buffer.from((await api(ctx).call(VAULT_API.reveal, { name: secret, passphrase: passphrase.toString('base64') })).value, 'base64')
          : await offline(ctx.paths(), io, parsed, (v) => v.reveal(secret, passphrase), { passphrase: Buffer.from(passphrase) });
      } finally {
        passphrase.fill(0);
      }
      // The stream may hold the chunk after write() returns: give it a copy, wipe ours.
      io.stdout.write(Buffer.from(value));
      if (io.stdout === process.stdout && process.stdout.isTTY) io.stdout.write('\n');
      value.fill(0);
      return EXIT.ok;
    },
  },
];

export const command: Command = {
  name: 'vault',
  summary: 'encrypted secrets: init, unseal, seal, put, rotate, grant to agents, list',
  subcommands: SUBCOMMANDS,
  notes: NOTES,
};

/** Status and list of a sealed vault read metadata only and append nothing. */
const NO_LEDGER = {
  append: () => Promise.reject(new OctantError('E_VAULT_LEDGER', 'vault: no ledger for a read-only view', { exit: EXIT.failure })),
  seal: () => Promise.reject(new OctantError('E_VAULT_LEDGER', 'vault: no ledger for a read-only view', { exit: EXIT.failure })),
};
