// Loading a manifest from a file or text: parse (parse.ts), then schema (rule
// 1). A signed envelope ({manifest, signature}) loads as a SignedManifest.

import { readFileSync } from 'node:fs';
import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';
import { MAX_MANIFEST_BYTES, parseManifestText } from './parse.ts';
import { type Manifest, validateSchema } from './schema.ts';
import { type SignedManifest, isSignedEnvelope, readSignedManifest } from './sign.ts';

export type ManifestSource = { path: string } | { text: string; origin?: string };

/** The text and a name for messages; files over the size limit are refused unread. */
export function readSource(source: ManifestSource): { text: string; origin: string } {
  if ('text' in source) return { text: source.text, origin: source.origin ?? 'manifest' };
  let text: string;
  try {
    const buffer = readFileSync(source.path);
    if (buffer.length > MAX_MANIFEST_BYTES) throw new Error(`larger than ${MAX_MANIFEST_BYTES} bytes`);
    text = buffer.toString('utf8');
  } catch (error) {
    throw new OctantError('E_MANIFEST_READ', `${source.path}: ${messageOf(error)}`, { exit: EXIT.unavailable });
  }
  return { text, origin: source.path };
}

function withOrigin<T>(origin: string, run: () => T): T {
  try { return run(); } catch (error) {
    if (error instanceof OctantError && error.code === 'E_MANIFEST_SCHEMA' && !error.message.startsWith(origin)) {
      throw new OctantError(error.code, `${origin}: ${error.message}`, { exit: error.exit, hint: error.hint, detail: error.detail });
    }
    throw error;
  }
}

/** Authoring YAML/JSON or a signed envelope (its signature not checked yet). */
export function loadEither(source: ManifestSource): { manifest: Manifest; signed?: SignedManifest } {
  const { text, origin } = readSource(source);
  const value = parseManifestText(text, origin);
  return withOrigin(origin, () => {
    if (!isSignedEnvelope(value)) return { manifest: validateSchema(value) };
    const signed = readSignedManifest(value);
    return { manifest: signed.manifest, signed };
  });
}

/** A manifest in normal form, from authoring YAML/JSON or a signed envelope (signature not checked). */
export function loadManifest(source: ManifestSource): Manifest {
  return loadEither(source).manifest;
}

/** A signed envelope; an unsigned manifest is E_MANIFEST_SIGNATURE (rule 2: unsigned does not run). */
export function loadSignedManifest(source: ManifestSource): SignedManifest {
  const { text, origin } = readSource(source);
  const value = parseManifestText(text, origin);
  if (!isSignedEnvelope(value)) throw new OctantError('E_MANIFEST_SIGNATURE', `${origin}: not a signed manifest`, { exit: EXIT.denied, hint: "sign it with 'octant manifest sign --key KEY'", detail: { rule: 2 } });
  return withOrigin(origin, () => readSignedManifest(value));
}
