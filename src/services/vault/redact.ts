// Leak redaction for text flowing back to an agent or into logs: the values
// of secrets in play (plain, base64, base64url, hex and URL-encoded forms)
// and well-known credential formats, replaced by a marker that says nothing
// about which secret it was.

export const REDACTED = '[REDACTED]';

/** Values shorter than this are not scanned: they would match ordinary text. */
export const MIN_VALUE_LENGTH = 6;

// Common key formats (vendor documentation of each prefix).
const PATTERNS: readonly RegExp[] = [
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g, // PEM (RFC 7468)
  /\bsk-ant-[A-Za-z0-9_-]{16,}/g,                  // Anthropic
  /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{16,}/g,   // OpenAI
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,                // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g,               // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,             // GitHub fine-grained PAT
  /\bxox[bpoas]-[A-Za-z0-9-]{10,}/g,               // Slack
  /\bAIza[0-9A-Za-z_-]{35}\b/g,                    // Google API key
  /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/g, // JWT (RFC 7519 compact form)
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms of a value worth scanning for. */
function forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out = new Set([value, bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'),
    bytes.toString('hex'), bytes.toString('hex').toUpperCase(), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  return [...out].filter((f) => f.length >= MIN_VALUE_LENGTH);
}

export class Redactor {
  readonly #values = new Set<string>();
  #combined: RegExp | null = null;

  /** Add a secret value now in play (decrypted for an injection or an operator read). */
  add(value: string): void {
    if (value.length < MIN_VALUE_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    this.#combined = null;
  }

  /** Forget every value (seal). JS strings cannot be overwritten: docs/vault.md "Limits". */
  clear(): void {
    this.#values.clear();
    this.#combined = null;
  }

  get size(): number {
    return this.#values.size;
  }

  redact(text: string): string {
    let out = text;
    if (this.#values.size > 0) {
      if (this.#combined === null) {
        // Longest first, so a value that contains another is replaced whole.
        const all = [...this.#values].flatMap(forms).sort((a, b) => b.length - a.length);
        this.#combined = new RegExp(all.map(escape).join('|'), 'g');
      }
      out = out.replace(this.#combined, REDACTED);
    }
    for (const pattern of PATTERNS) out = out.replace(pattern, REDACTED);
    return out;
  }
}
