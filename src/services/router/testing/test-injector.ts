// A CredentialInjector for tests: a fixed key per grant, put where the
// provider's auth hint says (the vault does the same from its rules).

import { createHttpClient, type HttpClient } from '../../../lib/outbound/http-client.ts';
import { Redactor } from '../../vault/api.ts';
import type { Caller, CredentialInjector, ProviderCall } from '../types.ts';

export function testInjector(keys: Record<string, string>): CredentialInjector {
  // The vault's redactor, knowing the keys as the vault knows the values it injects.
  const redaction = new Redactor();
  for (const key of Object.values(keys)) redaction.add(key);
  return {
    redaction,
    async inject(grant, request, hint) {
      const key = keys[grant];
      if (key === undefined) throw new Error(`no test key for grant '${grant}'`);
      return { url: request.url, headers: { ...request.headers, [hint.header]: `${hint.prefix}${key}` } };
    },
  };
}

export const TEST_CALLER: Caller = { agent: 'agent-test', lineage: [] };

let client: HttpClient | undefined;

/** The outbound client of a test file's provider calls (made on first use; idle sockets never hold the process). */
export function testClient(): HttpClient {
  return (client ??= createHttpClient());
}

/** A ProviderCall against a fake, with grant 'test-key' -> key. */
export function testCall(baseUrl: string, model: string, key = 'sk-test-123', timeoutMs = 5_000): ProviderCall {
  return { baseUrl, model, credential: 'test-key', caller: TEST_CALLER, injector: testInjector({ 'test-key': key }), recorded: Promise.resolve(), signal: new AbortController().signal, timeoutMs, http: testClient() };
}
