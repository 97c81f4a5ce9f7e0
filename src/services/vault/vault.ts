// The vault itself: sealed/unsealed state, secrets, tokens, injection.
// Used by the running service (index.ts) and by the CLI when no system runs.
//
// Log first, act second: every access is appended to the ledger (who, which
// secret name, what was decided; never a value) before the vault acts on it.

import type { WorkerPool } from '../../lib/worker-pool.ts';
import { existsSync } from 'node:fs';
import { OctantError, EXIT } from '../../lib/errors.ts';
import { canonicalJson } from '../../lib/canonical-json.ts';
import type { LedgerApi } from '../ledger/api.ts';
import { aad, mac, newKdfParams, open, randomKey, seal, subkey, wipe, deriveKek, KDF_DEFAULTS, type KdfParams } from './crypto.ts';
import { readVaultFile, writeVaultFile, type SecretRecord, type VaultFile, type VersionRecord } from './store.ts';
import { applyRule, hostAllowed, NAME_RE, placeholderNames, replacePlaceholders, validateRule } from './inject.ts';
import { Redactor } from './redact.ts';
import { split, encodeShare } from './shamir.ts';
import { TokenTable, tokenError, type TokenRecord } from './tokens.ts';
import { checkPlaintext, createKeyFile, masterFromInput } from './unlock.ts';
import type { InjectionRule, OutboundRequest, RedactionStream, SecretInfo, TokenOptions, UnsealInput, VaultApi, VaultStatus } from './types.ts';

export interface VaultOptions {
  /** The vault file (store.ts vaultFile(paths)). */
  file: string;
  ledger: LedgerApi;
  /** Clock for token TTLs (ms since the epoch). */
  now?: () => number;
  /** Workers for redacting long texts (redact.ts WORKER_MIN_UNITS); their owner closes them. */
  workers?: WorkerPool;
}

export interface InitOptions {
  passphrase: Buffer;
  kdf?: Partial<Pick<KdfParams, 'passes' | 'memoryKiB' | 'parallelism'>>;
  /** Create a key file here that also unseals the vault. */
  keyFile?: string;
  shamir?: { shares: number; threshold: number };
}

const PRINCIPAL_RE = /^(?:agent|manifest):[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

export function sealedError(): OctantError {
  return new OctantError('E_VAULT_SEALED', 'vault: sealed', { exit: EXIT.unavailable, hint: "run 'octant vault unseal'" });
}

/** The same error, word for word, for a secret that is missing and one that is forbidden. */
export function deniedError(grant: string): OctantError {
  return new OctantError('E_VAULT_DENIED', `vault: secret '${grant}' is not available to this token`, { exit: EXIT.denied });
}

function notFound(name: string): OctantError {
  return new OctantError('E_VAULT_NOT_FOUND', `vault: no secret named '${name}'`, { exit: EXIT.failure });
}

function checkName(name: string): void {
  if (!NAME_RE.test(name)) throw new OctantError('E_VAULT_NAME', `secret name '${name}': expected letters, digits, '_', '.', '-' (1-128, starting with a letter or digit)`, { exit: EXIT.usage });
}

function checkPrincipal(principal: string): void {
  if (!PRINCIPAL_RE.test(principal)) throw new OctantError('E_VAULT_PRINCIPAL', `principal '${principal}': expected agent:<AID> or manifest:<name>`, { exit: EXIT.usage });
}

function now(): string {
  return new Date().toISOString();
}

/** What the metadata MAC covers: everything but the ciphertexts (bound by AAD). */
function macInput(name: string, r: Omit<SecretRecord, 'mac'>): string {
  return canonicalJson({ name, current: r.current, rule: r.rule, grants: r.grants, versions: r.versions.map((v) => ({ version: v.version, created: v.created, destroyed: v.key === null })) });
}

function info(name: string, r: SecretRecord): SecretInfo {
  return {
    name, current: r.current, rule: r.rule, grants: [...r.grants],
    versions: r.versions.map((v) => ({ version: v.version, created: v.created, destroyed: v.key === null })),
  };
}

export class Vault implements VaultApi {
  readonly #file: string;
  readonly #ledger: LedgerApi;
  readonly #tokens: TokenTable;
  readonly #redactor = new Redactor();
  #data: VaultFile | null = null;
  #master: Buffer | null = null;
  #macKey: Buffer | null = null;
  /** Unwrapped data keys by 'name\0version', while unsealed (the master key could unwrap them anyway); wiped at seal. */
  readonly #dataKeys = new Map<string, Buffer>();
  /** Lineage per agent, from issueToken, for ledger entries. */
  readonly #lineage = new Map<string, string[]>();

  constructor(options: VaultOptions) {
    this.#file = options.file;
    this.#ledger = options.ledger;
    this.#tokens = new TokenTable(options.now);
    this.#redactor.useWorkers(options.workers);
  }

  /** Create a new vault file. Returns the Shamir shares (text form) when asked for. */
  static async init(options: VaultOptions, init: InitOptions): Promise<{ vault: Vault; shares: string[] }> {
    if (existsSync(options.file)) throw new OctantError('E_VAULT_EXISTS', `${options.file}: a vault already exists`, { exit: EXIT.usage });
    const kdf = newKdfParams({ ...KDF_DEFAULTS, ...init.kdf });
    const methods = ['passphrase', ...(init.keyFile !== undefined ? ['keyfile'] : []), ...(init.shamir !== undefined ? ['shamir'] : [])];
    await options.ledger.append({ agent: 'system', lineage: [], kind: 'vault', action: 'vault.init', target: options.file, decision: 'allow', detail: { unlock: methods, kdf: { passes: kdf.passes, memoryKiB: kdf.memoryKiB, parallelism: kdf.parallelism } } });
    const master = randomKey();
    const kek = await deriveKek(init.passphrase, kdf);
    const shares = init.shamir === undefined ? [] : split(master, init.shamir.shares, init.shamir.threshold);
    const fileKey = init.keyFile === undefined ? null : createKeyFile(init.keyFile);
    const data: VaultFile = {
      format: 'octant-vault', version: 1, kdf,
      unlock: {
        passphrase: seal(kek, master, aad.master('passphrase')),
        ...(fileKey !== null ? { keyfile: seal(fileKey, master, aad.master('keyfile')) } : {}),
        ...(init.shamir !== undefined ? { shamir: { ...init.shamir } } : {}),
      },
      check: seal(master, checkPlaintext(), aad.check()),
      secrets: {},
    };
    writeVaultFile(options.file, data);
    const texts = shares.map(encodeShare);
    for (const s of shares) wipe(s.y);
    wipe(master, kek, fileKey);
    return { vault: new Vault(options), shares: texts };
  }

  sealed(): boolean {
    return this.#master === null;
  }

  status(): VaultStatus {
    let data = this.#data;
    if (data === null && existsSync(this.#file)) data = readVaultFile(this.#file);
    if (data === null) return { initialized: false, sealed: true, secrets: 0, tokens: 0, unlock: [] };
    const { alg, passes, memoryKiB, parallelism } = data.kdf;
    return {
      initialized: true, sealed: this.sealed(), secrets: Object.keys(data.secrets).length, tokens: this.#tokens.count(),
      unlock: ['passphrase', ...(data.unlock.keyfile ? ['keyfile'] : []), ...(data.unlock.shamir ? ['shamir'] : [])],
      kdf: { alg, passes, memoryKiB, parallelism },
      ...(data.unlock.shamir ? { shamir: { ...data.unlock.shamir } } : {}),
    };
  }

  async unseal(input: UnsealInput): Promise<void> {
    const data = readVaultFile(this.#file); // always fresh: the file may have changed while sealed
    const method = 'passphrase' in input ? 'passphrase' : 'keyFile' in input ? 'keyfile' : 'shamir';
    let master: Buffer;
    try {
      master = await masterFromInput(data, input);
    } catch (error) {
      await this.#record('system', 'vault.unseal', this.#file, 'deny', { method, code: (error as OctantError).code });
      throw error;
    }
    await this.#open(data, master, { method });
  }

  /**
   * Unseal with the master key a previous instance of the vault service
   * handed over when a service it needs restarted (releaseMaster, index.ts).
   * Same checks as unseal (check value, every secret's metadata MAC) and an
   * unseal entry with method 'restart' before the vault is usable again.
   * Takes the buffer: it is wiped here on failure, kept as the key otherwise.
   */
  async resume(master: Buffer, detail: Record<string, unknown>): Promise<void> {
    const method = 'restart';
    let data: VaultFile;
    try {
      data = readVaultFile(this.#file);
      const check = open(master, data.check, aad.check());
      if (check === null || !check.equals(checkPlaintext())) throw new OctantError('E_VAULT_TAMPERED', 'vault: the check value does not authenticate under the kept master key', { exit: EXIT.denied });
    } catch (error) {
      wipe(master);
      await this.#record('system', 'vault.unseal', this.#file, 'deny', { method, ...detail, code: (error as OctantError).code });
      throw error;
    }
    await this.#open(data, master, { method, ...detail });
  }

  /** Seal without a ledger entry and hand the master key out (to resume()); undefined when sealed. */
  releaseMaster(): Buffer | undefined {
    if (this.#master === null) return undefined;
    const master = Buffer.from(this.#master);
    this.wipeKeys();
    return master;
  }

  /** Check every secret's metadata MAC under `master`, record the unseal, then hold the keys. */
  async #open(data: VaultFile, master: Buffer, detail: Record<string, unknown>): Promise<void> {
    const macKey = subkey(master, 'metadata mac');
    for (const [name, record] of Object.entries(data.secrets)) {
      if (mac(macKey, macInput(name, record)) !== record.mac) {
        wipe(master, macKey);
        await this.#record('system', 'vault.unseal', this.#file, 'deny', { ...detail, code: 'E_VAULT_TAMPERED', secret: name });
        throw new OctantError('E_VAULT_TAMPERED', `vault: the metadata of secret '${name}' (rule, grants, versions) was modified`, { exit: EXIT.denied, detail: { secret: name } });
      }
    }
    try {
      await this.#record('system', 'vault.unseal', this.#file, 'allow', detail);
    } catch (error) {
      wipe(master, macKey); // not recorded, so not unsealed
      throw error;
    }
    wipe(this.#master, this.#macKey);
    this.#data = data;
    this.#master = master;
    this.#macKey = macKey;
  }

  async seal(): Promise<void> {
    await this.#record('system', 'vault.seal', this.#file, 'allow', {});
    this.wipeKeys();
  }

  /** Forget every key, token and value in play without a ledger entry (service stop after seal failed). */
  wipeKeys(): void {
    // Buffer.fill(0) on every key buffer we hold; see docs/vault.md "Limits".
    wipe(this.#master, this.#macKey, ...this.#dataKeys.values());
    this.#dataKeys.clear();
    this.#master = null;
    this.#macKey = null;
    this.#data = null;
    this.#tokens.clear();
    this.#redactor.clear();
    this.#lineage.clear();
  }

  list(): SecretInfo[] {
    const data = this.#data ?? readVaultFile(this.#file);
    return Object.entries(data.secrets).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, r]) => info(name, r));
  }

  async put(name: string, value: Buffer, rule: InjectionRule): Promise<SecretInfo> {
    checkName(name);
    const checked = validateRule(rule);
    const data = this.#unsealed();
    if (data.secrets[name] !== undefined) throw new OctantError('E_VAULT_EXISTS', `vault: secret '${name}' exists`, { exit: EXIT.usage, hint: `use 'octant vault rotate ${name}'` });
    await this.#record('system', 'secret.put', name, 'allow', { version: 1, hosts: checked.hosts });
    return this.#commit(name, { current: 1, rule: checked, grants: [], versions: [this.#encrypt(name, 1, value)] });
  }

  /** A new version becomes current; the previous one is kept for requests in flight, older data keys are destroyed. */
  async rotate(name: string, value: Buffer): Promise<SecretInfo> {
    const old = this.#secret(name);
    const version = Math.max(...old.versions.map((v) => v.version)) + 1;
    await this.#record('system', 'secret.rotate', name, 'allow', { version });
    const kept = old.versions.map((v) => (v.version === old.current ? v : { ...v, key: null, value: null }));
    return this.#commit(name, { ...old, current: version, versions: [...kept, this.#encrypt(name, version, value)] });
  }

  async remove(name: string, version?: number): Promise<void> {
    const old = this.#secret(name);
    if (version === undefined) {
      await this.#record('system', 'secret.remove', name, 'allow', {});
      const data = structuredClone(this.#unsealed());
      delete data.secrets[name];
      this.#forgetKeys(name);
      writeVaultFile(this.#file, data); // the wrapped data keys are gone with the record
      this.#data = data;
      return;
    }
    if (version === old.current) throw new OctantError('E_VAULT_VERSION', `vault: version ${version} of '${name}' is current; rotate first`, { exit: EXIT.usage });
    if (!old.versions.some((v) => v.version === version)) throw new OctantError('E_VAULT_VERSION', `vault: secret '${name}' has no version ${version}`, { exit: EXIT.usage });
    await this.#record('system', 'secret.remove', name, 'allow', { version });
    await this.#commit(name, { ...old, versions: old.versions.map((v) => (v.version === version ? { ...v, key: null, value: null } : v)) });
  }

  async grant(name: string, principal: string): Promise<SecretInfo> {
    checkPrincipal(principal);
    const old = this.#secret(name);
    await this.#record('system', 'secret.grant', name, 'allow', { principal });
    return this.#commit(name, { ...old, grants: [...new Set([...old.grants, principal])].sort() });
  }

  async revoke(name: string, principal: string): Promise<SecretInfo> {
    checkPrincipal(principal);
    const old = this.#secret(name);
    await this.#record('system', 'secret.revoke', name, 'allow', { principal });
    return this.#commit(name, { ...old, grants: old.grants.filter((g) => g !== principal) });
  }

  /** The value of a secret, for `octant vault get`: operators only, so the passphrase is asked again. */
  async reveal(name: string, passphrase: Buffer): Promise<Buffer> {
    const record = this.#secret(name);
    let master: Buffer | null = null;
    try {
      master = await masterFromInput(this.#unsealed(), { passphrase });
    } catch (error) {
      await this.#record('system', 'secret.reveal', name, 'deny', { code: (error as OctantError).code });
      throw error;
    } finally {
      wipe(master);
    }
    await this.#record('system', 'secret.reveal', name, 'allow', { version: record.current });
    const value = this.#decrypt(name, record);
    this.#redactor.add(value.toString('utf8'));
    return value;
  }

  async issueToken(agent: string, grants: readonly string[], options: TokenOptions & { lineage?: string[] }): Promise<string> {
    // A token names grants, it holds no secret: issuing one works while the
    // vault is sealed (every use is checked against the unsealed data later,
    // and fails with E_VAULT_SEALED until then). Agents without credential
    // grants can so run on a sealed vault.
    const principals = [`agent:${agent}`, ...(options.manifest !== undefined ? [`manifest:${options.manifest}`] : [])];
    // The ledger (operator side) learns which grants are usable; the agent learns nothing.
    const usable = this.#data === null ? null : grants.filter((g) => this.#data!.secrets[g]?.grants.some((p) => principals.includes(p)) === true);
    await this.#record(agent, 'token.issue', agent, 'allow', { grants: [...grants], usable, ttlSeconds: options.ttlSeconds, maxUses: options.maxUses ?? null }, options.lineage);
    this.#lineage.set(agent, options.lineage ?? []);
    this.#tokens.revokeAgent(agent); // one token per agent
    return this.#tokens.issue(agent, principals, grants, options.ttlSeconds, options.maxUses);
  }

  async revokeAgent(agent: string): Promise<number> {
    await this.#record('system', 'token.revoke', agent, 'allow', {});
    this.#lineage.delete(agent);
    return this.#tokens.revokeAgent(agent);
  }

  async inject(token: string, grant: string, request: OutboundRequest): Promise<OutboundRequest> {
    const { secret } = await this.#authorize(token, [grant], request.url);
    const value = this.#take(grant, secret[0]);
    return this.#remember(request, applyRule(secret[0].rule, value, request));
  }

  async injectPlaceholders(token: string, request: OutboundRequest): Promise<OutboundRequest> {
    const names = placeholderNames(request);
    if (names.length === 0) return { url: request.url, headers: { ...request.headers } };
    const { secret } = await this.#authorize(token, names, request.url);
    const values = new Map(names.map((n, i) => [n, this.#take(n, secret[i])]));
    return this.#remember(request, replacePlaceholders(request, values));
  }

  redact(text: string): string {
    return this.#redactor.redact(text);
  }

  redactAsync(text: string): Promise<string> {
    return this.#redactor.redactAsync(text);
  }

  redactStream(): RedactionStream {
    return this.#redactor.redactStream();
  }

  // --- internals ---

  /** Check token, grants and host for every name; ledger first, then allow. */
  async #authorize(token: string, names: readonly string[], url: string): Promise<{ record: TokenRecord; secret: SecretRecord[] }> {
    const data = this.#unsealed();
    const record = this.#tokens.check(token);
    if (typeof record === 'string') {
      await this.#record('system', 'secret.inject', names.join(','), 'deny', { reason: `token ${record}` });
      throw tokenError();
    }
    const lineage = this.#lineage.get(record.agent);
    const secrets: SecretRecord[] = [];
    for (const name of names) {
      const secret = Object.hasOwn(data.secrets, name) ? data.secrets[name] : undefined;
      const reason = !record.grants.has(name) ? 'not in token scope'
        : secret === undefined ? 'no such secret'
          : !secret.grants.some((p) => record.principals.includes(p)) ? 'not granted' : null;
      if (reason !== null || secret === undefined) {
        await this.#record(record.agent, 'secret.inject', name, 'deny', { reason }, lineage);
        throw deniedError(name);
      }
      if (!hostAllowed(url, secret.rule.hosts)) {
        const host = URL.canParse(url) ? new URL(url).host : '(unparsable URL)';
        await this.#record(record.agent, 'secret.inject', name, 'deny', { reason: 'host not allowed', host }, lineage);
        throw new OctantError('E_VAULT_HOST', `vault: secret '${name}' may not be sent to ${host}`, { exit: EXIT.denied });
      }
      secrets.push(secret);
    }
    const host = new URL(url).host;
    await Promise.all(names.map((name) => this.#record(record.agent, 'secret.inject', name, 'allow', { host }, lineage)));
    this.#tokens.spend(record);
    return { record, secret: secrets };
  }

  /** Decrypt for injection: the value joins the redactor's set. */
  #take(name: string, secret: SecretRecord): string {
    const buffer = this.#decrypt(name, secret);
    const value = buffer.toString('utf8');
    wipe(buffer);
    this.#redactor.add(value);
    return value;
  }

  /**
   * The header values an injection built (`Bearer <s>`, `Basic base64(u:s)`)
   * join the redactor's set too, so every encoding of the whole value is
   * caught, not only the secret's own (docs/vault.md "Redaction").
   */
  #remember(before: OutboundRequest, after: OutboundRequest): OutboundRequest {
    for (const [name, value] of Object.entries(after.headers)) {
      if (before.headers[name] === value) continue;
      this.#redactor.add(value);
      const credentials = /^(?:Basic|Bearer) (\S+)$/i.exec(value)?.[1];
      if (credentials !== undefined) this.#redactor.add(credentials);
    }
    return after;
  }

  #forgetKeys(name: string): void {
    for (const [key, dataKey] of this.#dataKeys) {
      if (key.startsWith(`${name}\0`)) {
        wipe(dataKey);
        this.#dataKeys.delete(key);
      }
    }
  }

  #unsealed(): VaultFile {
    if (this.#master === null || this.#data === null) throw sealedError();
    return this.#data;
  }

  #secret(name: string): SecretRecord {
    checkName(name);
    const data = this.#unsealed();
    const record = Object.hasOwn(data.secrets, name) ? data.secrets[name] : undefined;
    if (record === undefined) throw notFound(name);
    return record;
  }

  #encrypt(name: string, version: number, value: Buffer): VersionRecord {
    const dataKey = randomKey();
    const record = { version, created: now(), key: seal(this.#master!, dataKey, aad.dataKey(name, version)), value: seal(dataKey, value, aad.value(name, version)) };
    wipe(dataKey);
    return record;
  }

  #decrypt(name: string, record: SecretRecord): Buffer {
    const version = record.versions.find((v) => v.version === record.current);
    const tampered = (what: string): OctantError => new OctantError('E_VAULT_TAMPERED', `vault: the ${what} of secret '${name}' version ${record.current} does not authenticate`, { exit: EXIT.denied, detail: { secret: name } });
    if (version?.key == null || version.value === null) throw tampered('data key');
    const cacheKey = `${name}\0${version.version}`;
    let dataKey = this.#dataKeys.get(cacheKey) ?? null;
    if (dataKey === null) {
      dataKey = open(this.#master!, version.key, aad.dataKey(name, version.version));
      if (dataKey === null) throw tampered('data key');
      this.#dataKeys.set(cacheKey, dataKey);
    }
    const value = open(dataKey, version.value, aad.value(name, version.version));
    if (value === null) throw tampered('ciphertext');
    return value;
  }

  #commit(name: string, record: Omit<SecretRecord, 'mac'>): SecretInfo {
    this.#forgetKeys(name);
    const full: SecretRecord = { ...record, mac: mac(this.#macKey!, macInput(name, record)) };
    const data = structuredClone(this.#unsealed());
    data.secrets[name] = full;
    writeVaultFile(this.#file, data); // durable before memory changes
    this.#data = data;
    return info(name, full);
  }

  async #record(agent: string, action: string, target: string, decision: string, detail: Record<string, unknown>, lineage: string[] = []): Promise<void> {
    await this.#ledger.append({ agent, lineage, kind: 'vault', action, target, decision, detail });
  }
}
