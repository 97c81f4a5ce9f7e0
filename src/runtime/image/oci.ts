// `octant image oci`: the same root as an OCI image layout (image-spec v1.1,
// "image-layout.md"), for `docker`/`podman run` (or `podman load` / skopeo
// copy oci:DIR): FROM scratch, one layer holding exactly the squashfs's
// contents (unpacked from root.img itself, so the container runs the bytes
// the machine verifies), `octant init` as the entrypoint. Reproducible: the
// tar is sorted with owner 0:0 and the squashfs's one mtime, gzip has no
// timestamp, and `created` is the image's SOURCE_DATE_EPOCH.
//
//   DIR/oci-layout                 {"imageLayoutVersion":"1.0.0"}
//   DIR/index.json                 the image index: one manifest, ref name "latest"
//   DIR/blobs/sha256/<digest>      the manifest, the config and the layer (tar+gzip)

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { join } from 'node:path';
import { OctantError, messageOf } from '../../lib/errors.ts';
import { readImageManifest } from './install.ts';
import { tarChunks, walkTree } from './tar.ts';

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Descriptor { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }

export interface OciExport { manifest: Descriptor; config: Descriptor; layer: Descriptor; diffId: string }

function blobPath(out: string, digest: string): string {
  return join(out, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

function writeBlob(out: string, mediaType: string, value: unknown): Descriptor {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  writeFileSync(blobPath(out, digest), bytes);
  return { mediaType, digest, size: bytes.length };
}

/** The layer: tar of `tree` through gzip into a blob; returns its descriptor and the tar's digest (the diff id). */
async function writeLayer(out: string, tree: string): Promise<{ layer: Descriptor; diffId: string }> {
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let size = 0;
  const temp = join(out, 'blobs', 'sha256', '.layer.partial');
  const entries = walkTree(tree);
  await pipeline(
    Readable.from((function* () { for (const chunk of tarChunks(entries)) { tarHash.update(chunk); yield chunk; } })()),
    createGzip({ level: 6 }),
    new Transform({ transform(chunk: Buffer, _enc, done) { gzHash.update(chunk); size += chunk.length; done(null, chunk); } }),
    createWriteStream(temp),
  );
  const digest = `sha256:${gzHash.digest('hex')}`;
  renameSync(temp, blobPath(out, digest));
  return { layer: { mediaType: MEDIA.layer, digest, size }, diffId: `sha256:${tarHash.digest('hex')}` };
}

export async function exportOci(imageDir: string, out: string, epoch: number): Promise<OciExport> {
  const image = readImageManifest(imageDir);
  mkdirSync(join(out, 'blobs', 'sha256'), { recursive: true });
  const tree = mkdtempSync(join(out, '.root-'));
  try {
    try {
      // -no-xattrs: the image has none; the tree is only read back here.
      execFileSync('unsquashfs', ['-no-xattrs', '-quiet', '-no-progress', '-force', '-dest', tree, join(imageDir, 'root.img')], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new OctantError('E_IMAGE_OCI', `unsquashfs ${join(imageDir, 'root.img')}: ${missing ? 'not installed (squashfs-tools)' : (error as { stderr?: Buffer }).stderr?.toString().trim() || messageOf(error)}`, { cause: error });
    }
    const { layer, diffId } = await writeLayer(out, tree);
    const created = new Date(epoch * 1000).toISOString();
    const config = writeBlob(out, MEDIA.config, {
      created,
      architecture: 'amd64',
      os: 'linux',
      config: { Entrypoint: ['/octant', 'init'], Env: ['PATH=/usr/bin:/bin'], Labels: { 'dev.octant.root-hash': image.rootHash } },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created, created_by: 'octant image oci (FROM scratch: the squashfs root)' }],
    });
    const manifest = writeBlob(out, MEDIA.manifest, {
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config,
      layers: [layer],
      annotations: { 'org.opencontainers.image.created': created, 'dev.octant.root-hash': image.rootHash },
    });
    writeFileSync(join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const ref = { ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'latest' } };
    writeFileSync(join(out, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.index, manifests: [ref] }));
    return { manifest, config, layer, diffId };
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}
