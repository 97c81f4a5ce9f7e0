// octant setup: keys, vault, an optional LLM provider and a first manifest
// that runs, in one flow (the flow itself: onboarding/setup.ts). This file
// only reads the flags and, on a terminal, asks for what they leave out.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { boolFlag, stringFlag } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import { isTemplateKind, TEMPLATE_KINDS } from '../../agent/manifest/templates.ts';
import { askMissing, runSetup, type SetupOptions } from '../onboarding/setup.ts';
import { interactive } from '../onboarding/prompt.ts';
import type { Command } from './command.ts';
import { ensureSystem } from './run.ts';
import { promptHidden, readFd, readPassphrase, readValue } from './vault-input.ts';

const NOTES = `From nothing to a signed manifest that runs, in one flow; each step already
done is kept, so running it again is safe (docs/first-hour.md):
  1. the operator signing key (created and trusted)
  2. the vault: initialised and unsealed (without --passphrase-fd, a new vault
     gets a key file, etc/vault.key, that every boot unseals with)
  3. optionally an LLM provider: its API key in the vault (injected only into
     requests to its host), granted to the manifest, and a router deployment
     on the route 'default'; the key from --api-key-fd, --api-key-file, stdin,
     or a hidden prompt on a terminal
  4. a first manifest from a template (manifest new --for), listing the
     provider's key, written and signed; the command that runs it is printed
Without a running system one is booted for the setup and stopped after it.
With stdin a terminal, what no flag says is asked.
Exit: 0 done, 2 usage, 3 unavailable (e.g. a sealed vault with nothing to unseal it).`;

/** The key without surrounding whitespace (a file's newline); the raw bytes are wiped. */
function trimmed(raw: Buffer): Buffer {
  const text = raw.toString('utf8');
  raw.fill(0);
  return Buffer.from(text.trim());
}

export const command: Command = {
  name: 'setup',
  summary: 'first run: operator key, vault, an LLM provider and a first manifest that runs, in one flow',
  synopsis: ['[--provider P --model M [--base-url URL] [--api-key-fd N | --api-key-file FILE]] [--for KIND] [--name NAME] [options]'],
  options: {
    'key-name': { type: 'string', value: 'NAME', help: 'the operator key\'s name (default operator)' },
    'passphrase-fd': { type: 'string', value: 'N', help: 'initialise or unseal the vault with a passphrase read from fd N' },
    'vault-key-file': { type: 'string', value: 'FILE', help: 'where a new vault\'s key file goes (default etc/vault.key)' },
    provider: { type: 'string', value: 'P', help: 'the LLM provider: openai, anthropic, gemini, ollama, mistral, groq, ...' },
    model: { type: 'string', value: 'M', help: 'the provider\'s model' },
    'base-url': { type: 'string', value: 'URL', help: 'the provider\'s API base URL (default: its own)' },
    credential: { type: 'string', value: 'NAME', help: 'the vault grant holding the key (default P-key)' },
    deployment: { type: 'string', value: 'ID', help: 'the router deployment id (default P)' },
    'api-key-fd': { type: 'string', value: 'N', help: 'read the API key from fd N' },
    'api-key-file': { type: 'string', value: 'FILE', help: 'read the API key from FILE' },
    for: { type: 'string', value: 'KIND', help: 'the first manifest\'s template: loop (default), python, node, shell' },
    name: { type: 'string', value: 'NAME', help: 'the agent\'s name (default my-agent)' },
    program: { type: 'string', value: 'PATH', help: 'with --for python|node|shell: the program file' },
    out: { type: 'string', value: 'FILE', help: 'where the manifest goes (default ./NAME.yaml; signed: NAME.signed.json)' },
    force: { type: 'boolean', help: 'replace an existing manifest file' },
    'no-manifest': { type: 'boolean', help: 'stop after the provider' },
  },
  positionals: false,
  notes: NOTES,
  async run(p, ctx) {
    const { io } = ctx;
    const kind = stringFlag(p, 'for');
    if (kind !== undefined && !isTemplateKind(kind)) throw usageError(`setup: --for expects one of ${TEMPLATE_KINDS.join(', ')} (got ${JSON.stringify(kind)})`);
    const passphraseFd = stringFlag(p, 'passphrase-fd');
    const options: SetupOptions = {
      keyName: stringFlag(p, 'key-name') ?? 'operator',
      passphrase: passphraseFd !== undefined ? () => readPassphrase(io, passphraseFd) : undefined,
      vaultKeyFile: stringFlag(p, 'vault-key-file'),
      template: kind,
      name: stringFlag(p, 'name') ?? 'my-agent',
      program: stringFlag(p, 'program'),
      out: stringFlag(p, 'out'),
      force: boolFlag(p, 'force'),
      noManifest: boolFlag(p, 'no-manifest'),
    };
    let provider = stringFlag(p, 'provider');
    let model = stringFlag(p, 'model');
    if ((provider === undefined) !== (model === undefined)) throw usageError('setup: --provider and --model go together');
    const asked = await askMissing(io, options, provider !== undefined);
    provider ??= asked.provider?.provider;
    model ??= asked.provider?.model;
    if (provider !== undefined && model !== undefined) {
      options.provider = {
        provider, model, baseUrl: stringFlag(p, 'base-url'),
        credential: stringFlag(p, 'credential') ?? `${provider}-key`, deployment: stringFlag(p, 'deployment') ?? provider,
      };
      const fd = stringFlag(p, 'api-key-fd');
      const file = stringFlag(p, 'api-key-file');
      options.apiKey = fd !== undefined ? async () => trimmed(readFd('--api-key-fd', fd))
        : file !== undefined ? async () => trimmed(readFileSync(resolve(io.cwd, file)))
        : interactive(io) ? () => promptHidden(io, `${provider} API key: `)
        : () => readValue(io);
    }
    const paths = ctx.paths();
    const owned = await ensureSystem(paths);
    try {
      return await runSetup(paths, io, options);
    } finally {
      await owned?.stop();
    }
  },
};
