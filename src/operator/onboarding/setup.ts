// `octant setup`: from nothing to a signed manifest that runs, in one
// command (docs/first-hour.md). Each step is skipped when already done, so
// running it again is safe:
//
//   1. the operator key     etc/keys/private/<key>.key, trusted (as octant keys generate)
//   2. the vault            initialised (a passphrase, or a key file the boot
//                           unseals with) and unsealed
//   3. a provider, optional the key in the vault, granted to the manifest,
//                           a router deployment (provider.ts)
//   4. the first manifest   from a template (--for), listing the provider's
//                           grant, written and signed
//
// Every answer is a flag; with stdin a terminal, the missing ones are asked.
// The vault and the router are the running system's; without one, a system
// is booted here for the setup and stopped after it.

import { existsSync, readFileSync } from 'node:fs';
import { createPublicKey, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { writeLine, type Io } from '../../lib/io.ts';
import { admin } from '../../runtime/admin/client.ts';
import { configFile } from '../../runtime/config.ts';
import type { Paths } from '../../runtime/paths.ts';
import { VAULT_API } from '../../services/vault/api.ts';
import { addTrustedKey, generateOperatorKey, keyIdOf, keysDir, loadManifest, loadPrivateKey, loadTrustStore, signManifest } from '../../agent/manifest/index.ts';
import { isTemplateKind, manifestTemplate, templateRunArgs, TEMPLATE_KINDS, type TemplateKind } from '../../agent/manifest/templates.ts';
import { addProvider, type ProviderChoice } from './provider.ts';
import { askLine, askYes, interactive } from './prompt.ts';

export interface SetupOptions {
  keyName: string;
  /** Initialise the vault with this passphrase (else a key file). */
  passphrase?: () => Promise<Buffer>;
  /** Where the key file of a key-file vault lives (default etc/vault.key). */
  vaultKeyFile?: string;
  provider?: Omit<ProviderChoice, 'manifest'>;
  /** The provider's API key (read only when a provider is given). */
  apiKey?: () => Promise<Buffer>;
  template?: TemplateKind;
  name: string;
  program?: string;
  /** Where the manifest is written (default ./<name>.yaml); the signed one beside it. */
  out?: string;
  force: boolean;
  /** No first manifest. */
  noManifest: boolean;
}

/** Step 1: the operator key, created unless it exists, and trusted (as `octant keys generate` does). */
function operatorKey(paths: Paths, io: Io, name: string): string {
  const path = join(keysDir(paths), 'private', `${name}.key`);
  const created = !existsSync(path);
  if (created) generateOperatorKey(paths, name);
  const publicKey = createPublicKey(loadPrivateKey(path));
  const trusted = loadTrustStore(paths).find(keyIdOf(publicKey)) !== undefined;
  if (!trusted) addTrustedKey(paths, publicKey, name);
  writeLine(io.stdout, `keys: ${created ? 'created' : 'using'} ${path}${created ? ' (mode 600)' : ''}, ${trusted ? 'trusted' : `now trusted as ${name}`} (key id ${keyIdOf(publicKey)})`);
  return path;
}

/** Step 2: an initialised, unsealed vault. */
async function readyVault(paths: Paths, io: Io, options: SetupOptions): Promise<void> {
  const vault = admin(paths, 'vault');
  const keyFile = options.vaultKeyFile ?? join(paths.etc, 'vault.key');
  let status = await vault.call(VAULT_API.status);
  if (!status.initialized) {
    if (options.passphrase !== undefined) {
      const passphrase = await options.passphrase();
      try {
        await vault.call(VAULT_API.init, { passphrase: passphrase.toString('base64') });
        status = await vault.call(VAULT_API.unseal, { passphrase: passphrase.toString('base64') });
      } finally {
        passphrase.fill(0);
      }
      writeLine(io.stdout, 'vault: initialised and unsealed with your passphrase (after a restart: octant vault unseal)');
    } else {
      // A key file (0600) the boot unseals with; its random passphrase is
      // not kept. Production vaults use a passphrase or Shamir shares
      // (docs/vault.md); `octant setup --passphrase-fd` chooses one.
      const throwaway = randomBytes(32).toString('base64');
      await vault.call(VAULT_API.init, { passphrase: Buffer.from(throwaway).toString('base64'), keyFile });
      status = await vault.call(VAULT_API.unseal, { keyFile });
      writeLine(io.stdout, `vault: initialised with the key file ${keyFile} (mode 600) and unsealed`);
    }
  }
  // A key-file vault (this setup's, or the one `octant up`'s example made) unseals at every boot.
  if (options.passphrase === undefined && existsSync(keyFile)) bootUnsealsWith(paths, io, keyFile);
  if (status.sealed) {
    if (existsSync(keyFile)) status = await vault.call(VAULT_API.unseal, { keyFile });
    else if (options.passphrase !== undefined) {
      const passphrase = await options.passphrase();
      try {
        status = await vault.call(VAULT_API.unseal, { passphrase: passphrase.toString('base64') });
      } finally {
        passphrase.fill(0);
      }
    }
  }
  if (status.sealed) {
    throw new OctantError('E_VAULT_SEALED', 'setup: the vault is sealed and no key file or passphrase was given to unseal it', {
      exit: EXIT.unavailable, hint: 'octant vault unseal (or octant setup --passphrase-fd N), then run setup again',
    });
  }
  writeLine(io.stdout, 'vault: unsealed');
}

/** A fresh octant.yaml names the key file, so every boot unseals the vault; an existing one is left as the operator wrote it. */
function bootUnsealsWith(paths: Paths, io: Io, keyFile: string): void {
  const file = configFile(paths);
  if (existsSync(file)) {
    if (!readFileSync(file, 'utf8').includes('keyFile')) writeLine(io.stdout, `vault: to unseal at every boot, add to ${file}:  services: { vault: { keyFile: ${keyFile} } }`);
    return;
  }
  writeFileAtomic(file, `# Written by octant setup. Reference: docs/runtime.md.\nservices:\n  vault:\n    keyFile: ${keyFile}   # every boot unseals the vault with it\n`, { mode: 0o600 });
  writeLine(io.stdout, `config: wrote ${file} (the vault unseals at every boot)`);
}

/** Step 4: the manifest from its template, written and signed. Returns the signed file. */
function firstManifest(io: Io, options: SetupOptions, kind: TemplateKind, keyPath: string, operator: string): string {
  const out = resolve(io.cwd, options.out ?? `${options.name}.yaml`);
  const signedOut = out.replace(/\.ya?ml$/, '') + '.signed.json';
  for (const file of [out, signedOut]) {
    if (existsSync(file) && !options.force) throw new OctantError('E_SETUP_EXISTS', `setup: ${file} already exists`, { exit: EXIT.usage, hint: 'pass --force to replace it, or --out FILE / --name NAME for another one' });
  }
  const template = { name: options.name, operator, credential: options.provider?.credential, program: options.program };
  const text = manifestTemplate(kind, template);
  const manifest = loadManifest({ text, origin: `template ${kind}` });
  writeFileAtomic(out, text, { mode: 0o644 });
  writeFileAtomic(signedOut, `${JSON.stringify(signManifest(manifest, loadPrivateKey(keyPath)), null, 2)}\n`, { mode: 0o644 });
  writeLine(io.stdout, `manifest: wrote ${out} (--for ${kind}) and signed it: ${signedOut}`);
  const args = templateRunArgs(kind, template).map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
  writeLine(io.stdout, '');
  writeLine(io.stdout, 'Run it:');
  writeLine(io.stdout, `  octant run ${signedOut} ${args}`);
  return signedOut;
}

export async function runSetup(paths: Paths, io: Io, options: SetupOptions): Promise<number> {
  const keyPath = operatorKey(paths, io, options.keyName);
  await readyVault(paths, io, options);
  if (options.provider !== undefined) {
    if (options.apiKey === undefined) throw usageError('setup: --provider needs the API key: --api-key-fd N, --api-key-file FILE, or on stdin');
    await addProvider(paths, io, { ...options.provider, manifest: options.name }, await options.apiKey());
  } else {
    writeLine(io.stdout, 'provider: none (add one later: octant setup --provider openai --model gpt-4o-mini, the key on stdin)');
  }
  if (!options.noManifest) firstManifest(io, options, options.template ?? 'loop', keyPath, io.env.USER ?? options.keyName);
  return EXIT.ok;
}

/** The questions of interactive mode, for the answers no flag gave. */
export async function askMissing(io: Io, options: SetupOptions, providerGiven: boolean): Promise<{ provider?: { provider: string; model: string } }> {
  if (!interactive(io)) return {};
  let provider: { provider: string; model: string } | undefined;
  if (!providerGiven && await askYes(io, 'Add an LLM provider now? [Y/n] ')) {
    const name = (await askLine(io, 'provider (openai, anthropic, gemini, ollama, mistral, groq, ...) [openai]: ')).trim() || 'openai';
    const model = (await askLine(io, 'model [gpt-4o-mini]: ')).trim() || 'gpt-4o-mini';
    provider = { provider: name, model };
  }
  if (!options.noManifest && options.template === undefined) {
    const kind = (await askLine(io, `first manifest: ${TEMPLATE_KINDS.join(', ')} [loop]: `)).trim() || 'loop';
    if (!isTemplateKind(kind)) throw usageError(`setup: ${JSON.stringify(kind)} is not one of ${TEMPLATE_KINDS.join(', ')}`);
    options.template = kind;
  }
  return { provider };
}
