// The one outbound step every adapter shares: build the request, let the
// injector put the credential in (headers only: URLs end up in logs), wait
// until the decision that allowed the call is durable in the ledger, send,
// and turn an error status into the adapter's typed error.

import { OctantError, EXIT } from '../../../lib/errors.ts';
import type { OutboundRequest } from '../../vault/api.ts';
import type { AuthHint, ProviderCall, RateLimitInfo } from '../types.ts';
import type { ProviderError } from '../provider-error.ts';
import { readText, send, type HttpResponse } from '../outbound.ts';

export interface AdapterIdentity {
  /** Name used in errors and logs. */
  name: string;
  auth: AuthHint;
  /** Their error body and status -> ours. */
  mapError(status: number, body: string, headers: HttpResponse['headers']): ProviderError;
  rateLimit(headers: HttpResponse['headers']): RateLimitInfo;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

export async function providerRequest(
  adapter: AdapterIdentity,
  call: ProviderCall,
  path: string,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ res: HttpResponse; rateLimit: RateLimitInfo }> {
  const url = `${call.baseUrl.replace(/\/+$/, '')}${path}`;
  let outbound: OutboundRequest = { url, headers: { 'content-type': 'application/json', accept: 'application/json', ...call.headers, ...extraHeaders } };
  if (call.credential !== undefined) {
    outbound = await call.injector.inject(call.credential, outbound, adapter.auth, call.caller);
    // Fail closed: a rule that would put the key into the URL is refused,
    // because URLs are logged by proxies and our own ledger.
    if (outbound.url !== url) {
      throw new OctantError('E_ROUTER_KEY_IN_URL', `credential '${call.credential}' would change the request URL; keys go in headers only`, {
        exit: EXIT.denied,
        hint: 'give the secret a header injection rule in the vault',
      });
    }
  }
  // Serialized while the decision's flush is still on its way (no extra latency).
  const payload = body === undefined ? undefined : JSON.stringify(body);
  // The decision that allowed this call is on disk before a byte goes out.
  // A ledger failure is not a provider error: it fails the whole request.
  await call.recorded;
  const res = await send(call.http, { url, method: body === undefined ? 'GET' : 'POST', headers: outbound.headers, body: payload }, adapter.name, call.signal, call.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const rateLimit = adapter.rateLimit(res.headers);
  if (res.status >= 400) throw adapter.mapError(res.status, await readText(res, adapter.name, 1 << 20), res.headers);
  return { res, rateLimit };
}

/** Parse a JSON error body, or undefined if it is not JSON. */
export function jsonBody(body: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
