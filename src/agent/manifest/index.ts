// The manifest module's public API: what the lifecycle manager, the gateway
// and the CLI use. Everything else in this folder is internal.

export { loadEither, loadManifest, loadSignedManifest, type ManifestSource } from './load.ts';
export { parseManifestText } from './parse.ts';
export { validateSchema, type EffectiveManifest, type Manifest, type Identity, type Resources, type Spawning, type Lifetime } from './schema.ts';
export type { Destination, Protocol } from './destination.ts';
export { signManifest, verifyManifest, manifestDigest, keyIdOf, loadPrivateKey, type SignedManifest, type Signature, type KeyLookup } from './sign.ts';
export { signApproval, readApproval, type Approval } from './approval.ts';
export { loadTrustStore, addTrustedKey, revokeTrustedKey, generateOperatorKey, trustFromKeys, keysDir, type TrustStore, type TrustedKey } from './trust.ts';
export { loadRoles, type Role, type Roles } from './roles.ts';
export { validateManifest, type ValidationContext, type Capacity, type SpawnState } from './validate.ts';
export { intersect, type IntersectOptions } from './intersect.ts';
export { compileToPolicy } from './compile.ts';
export { explain } from './explain.ts';
export { diffManifests, formatChanges, type Change } from './diff.ts';
