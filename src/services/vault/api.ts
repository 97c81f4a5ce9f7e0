// The vault's public API: the one file other layers and services import
// (test/layering.test.ts refuses any other file of this folder from
// outside). Besides the service and its types: the vault of a state root
// for commands that run without the service, the check of an injection
// rule the CLI reads from the operator, and redaction, which is plain
// computation other layers may run themselves (a router without a vault).

export { vaultService, openVault, initVault, protectProcessMemory, VAULT_CONFIG } from './index.ts';
export type { Vault, InitOptions } from './vault.ts';
export { vaultFile } from './store.ts';
export { validateRule } from './inject.ts';
export { pushSliced, Redactor, REDACTED, WORKER_MIN_UNITS } from './redact.ts';
export type {
  InjectionRule, OutboundRequest, Redaction, RedactionStream, SecretInfo, TokenOptions, UnsealInput, VaultApi, VaultStatus,
} from './types.ts';
export { VAULT_API } from './endpoints.ts';
