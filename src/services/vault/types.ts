// The vault's public types: what other services and layers may import.

/** An outbound request, before and after credential injection. */
export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
}

/**
 * Where a secret goes in an outbound request and which hosts may receive it
 * (exact `host` = the scheme's default port, or `host:port`). Stored with the
 * secret; see docs/vault.md "Injection rules".
 */
export type InjectionRule =
  | { kind: 'header'; name: string; /** contains '{secret}' */ format: string; hosts: string[] }
  | { kind: 'query'; name: string; hosts: string[] }
  | { kind: 'basic'; username: string; hosts: string[] };

/** How to unseal: a passphrase, k Shamir shares (text form), or a key file path. */
export type UnsealInput =
  | { passphrase: Buffer }
  | { shares: readonly string[] }
  | { keyFile: string };

export interface SecretInfo {
  name: string;
  current: number;
  versions: { version: number; created: string; destroyed: boolean }[];
  rule: InjectionRule;
  /** 'agent:<AID>' or 'manifest:<name>'. */
  grants: string[];
}

export interface VaultStatus {
  initialized: boolean;
  sealed: boolean;
  secrets: number;
  /** Live tokens (issued, not expired, not revoked). */
  tokens: number;
  /** Unlock methods the vault file offers: passphrase, keyfile, shamir. */
  unlock: string[];
  kdf?: { alg: string; passes: number; memoryKiB: number; parallelism: number };
  shamir?: { shares: number; threshold: number };
}

export interface TokenOptions {
  ttlSeconds: number;
  maxUses?: number;
  /** The agent's manifest name, so grants to 'manifest:<name>' apply. */
  manifest?: string;
}

/**
 * Redaction of text that arrives in pieces (a response body, a stream of
 * model deltas): push returns what is safe to pass on now, holding back what
 * could still become part of a secret; end returns the rest, withholding a
 * trailing start of a secret (the text may have been cut there).
 */
export interface RedactionStream {
  push(text: string): string;
  end(): string;
}

/** What the vault offers to anyone passing text back to an agent, a client or the ledger. */
export interface Redaction {
  /** Replace the values of secrets in play (every encoded form) and common key formats in a whole text. */
  redact(text: string): string;
  /** The same for a long text, one slice per event-loop turn. */
  redactAsync(text: string): Promise<string>;
  /** The same for a text that arrives in pieces. */
  redactStream(): RedactionStream;
}

export interface VaultApi extends Redaction {
  sealed(): boolean;
  status(): VaultStatus;
  /** Unseal with a passphrase, shares or key file (E_VAULT_PASSPHRASE / E_VAULT_SHARE / E_VAULT_KEYFILE). */
  unseal(input: UnsealInput): Promise<void>;
  /** Wipe the master key and every token; later calls give E_VAULT_SEALED. */
  seal(): Promise<void>;
  /** Issue a scoped token for an agent over its manifest's credential grants. */
  issueToken(agent: string, grants: readonly string[], options: TokenOptions): Promise<string>;
  /** Revoke every token of an agent (termination). Returns how many. */
  revokeAgent(agent: string): Promise<number>;
  /**
   * Put the secret behind `grant` into `request`, per the secret's injection
   * rule, if the token allows the grant and the rule allows the request's host.
   * Missing and forbidden secrets give the same error (E_VAULT_DENIED).
   */
  inject(token: string, grant: string, request: OutboundRequest): Promise<OutboundRequest>;
  /** Replace every `octant-secret:NAME` placeholder in the request's headers (same checks as inject, per name). */
  injectPlaceholders(token: string, request: OutboundRequest): Promise<OutboundRequest>;
  // Operator operations (admin API, CLI). Metadata only in results; never values.
  list(): SecretInfo[];
  put(name: string, value: Buffer, rule: InjectionRule): Promise<SecretInfo>;
  rotate(name: string, value: Buffer): Promise<SecretInfo>;
  /** Destroy every version's data key and forget the secret, or one old version. */
  remove(name: string, version?: number): Promise<void>;
  grant(name: string, principal: string): Promise<SecretInfo>;
  revoke(name: string, principal: string): Promise<SecretInfo>;
}
