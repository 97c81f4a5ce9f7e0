// The vault's public types: what other services and layers may import.

/** An outbound request, before and after credential injection. */
export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
}

export interface VaultApi {
  sealed(): boolean;
  /** Issue a scoped token for an agent over its manifest's credential grants. */
  issueToken(agent: string, grants: readonly string[], options: { ttlSeconds: number; maxUses?: number }): Promise<string>;
  /** Revoke every token of an agent (termination). Returns how many. */
  revokeAgent(agent: string): Promise<number>;
  /**
   * Put the secret behind `grant` into `request`, per the secret's injection
   * rule, if the token allows the grant and the rule allows the request's host.
   * Missing and forbidden secrets give the same error (E_VAULT_DENIED).
   */
  inject(token: string, grant: string, request: OutboundRequest): Promise<OutboundRequest>;
  /** Replace the values of secrets in play (and common key formats) in text. */
  redact(text: string): string;
}
