// `octant image oci` through dist/octant: an OCI image layout of the
// squashfs root (FROM scratch, one layer, entrypoint /octant init),
// reproducible, and valid as the image spec defines it: every descriptor's
// digest and size match its blob, the media types are the spec's, the
// layer's uncompressed digest is the config's diff id, and the layer holds
// the squashfs's files. Twin: a blob changed by one byte fails the same
// check. (docker and podman are not installed here, so `docker run` of the
// layout is not tried; the layout is checked against the spec instead.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { OCTANT } from '../support/dist-octant.ts';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).stdout.toString().trim() !== '';
const skip = !existsSync(OCTANT) ? 'dist/octant is not built (npm test builds it)' : !has('mksquashfs') || !has('unsquashfs') ? 'squashfs-tools is not installed' : false;

interface Descriptor { mediaType: string; digest: string; size: number }

/** The layout's problems, [] when it is valid (image-spec: image-layout.md, descriptor.md, manifest.md, config.md). */
function layoutProblems(dir: string): { problems: string[]; files: string[]; entrypoint: unknown } {
  const problems: string[] = [];
  const blob = (d: Descriptor, mediaType: string): Buffer => {
    if (d.mediaType !== mediaType) problems.push(`${d.digest}: media type ${d.mediaType}, expected ${mediaType}`);
    const bytes = readFileSync(join(dir, 'blobs', 'sha256', d.digest.replace(/^sha256:/, '')));
    if (`sha256:${createHash('sha256').update(bytes).digest('hex')}` !== d.digest) problems.push(`${d.digest}: content does not match its digest`);
    if (bytes.length !== d.size) problems.push(`${d.digest}: ${bytes.length} bytes, descriptor says ${d.size}`);
    return bytes;
  };
  if (JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8')).imageLayoutVersion !== '1.0.0') problems.push('oci-layout');
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { schemaVersion: number; mediaType: string; manifests: Descriptor[] };
  if (index.schemaVersion !== 2 || index.mediaType !== 'application/vnd.oci.image.index.v1+json' || index.manifests.length !== 1) problems.push('index.json');
  const manifest = JSON.parse(blob(index.manifests[0], 'application/vnd.oci.image.manifest.v1+json').toString()) as { schemaVersion: number; config: Descriptor; layers: Descriptor[] };
  if (manifest.schemaVersion !== 2 || manifest.layers.length !== 1) problems.push('manifest: one layer, schema 2');
  const config = JSON.parse(blob(manifest.config, 'application/vnd.oci.image.config.v1+json').toString()) as { os: string; architecture: string; config: { Entrypoint: unknown }; rootfs: { type: string; diff_ids: string[] } };
  if (config.os !== 'linux' || config.architecture !== 'amd64' || config.rootfs.type !== 'layers') problems.push('config: os, architecture, rootfs');
  let tar = Buffer.alloc(0);
  try { tar = gunzipSync(blob(manifest.layers[0], 'application/vnd.oci.image.layer.v1.tar+gzip')); } catch (error) { problems.push(`layer: ${(error as Error).message}`); }
  if (`sha256:${createHash('sha256').update(tar).digest('hex')}` !== config.rootfs.diff_ids[0]) problems.push('layer: the uncompressed digest is not the diff id');
  const files: string[] = [];
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const header = tar.subarray(at, at + 512);
    const sum = [...header].reduce((s, b, i) => s + (i >= 148 && i < 156 ? 32 : b), 0);
    if (sum !== parseInt(header.toString('latin1', 148, 155), 8)) problems.push(`tar header checksum at ${at}`);
    const name = header.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    const type = String.fromCharCode(header[156]);
    const size = parseInt(header.toString('latin1', 124, 135), 8);
    files.push(type === '2' ? `${name} -> ${header.toString('utf8', 157, 257).replace(/\0.*$/s, '')}` : name);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { problems, files, entrypoint: config.config.Entrypoint };
}

test('octant image oci: a valid, reproducible OCI layout of the squashfs root with octant init as entrypoint', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-oci-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A small stand-in root with what the real one has: the executable, links to it, a library, empty mount points.
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'bin'), { recursive: true });
  mkdirSync(join(tree, 'lib64'));
  mkdirSync(join(tree, 'data'));
  writeFileSync(join(tree, 'octant'), Buffer.alloc(70000, 1));
  chmodSync(join(tree, 'octant'), 0o755);
  writeFileSync(join(tree, 'lib64', 'ld-linux-x86-64.so.2'), 'loader');
  symlinkSync('/octant', join(tree, 'bin', 'ls'));
  const image = join(dir, 'image');
  mkdirSync(image);
  execFileSync('mksquashfs', [tree, join(image, 'root.img'), '-noappend', '-reproducible', '-all-root', '-no-xattrs', '-mkfs-time', '1700000000', '-all-time', '1700000000', '-quiet', '-no-progress']);
  writeFileSync(join(image, 'image.json'), JSON.stringify({ rootHash: 'ab'.repeat(32), salt: 'cd'.repeat(32), dataBlocks: 1, hashStartBlock: 1 }));

  const oci = (out: string) => {
    const r = spawnSync(OCTANT, ['image', 'oci', image, '--out', out], { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  assert.match(oci(join(dir, 'one')), /manifest sha256:[0-9a-f]{64}, layer sha256:[0-9a-f]{64} .*entrypoint \/octant init/);
  oci(join(dir, 'two'));
  assert.equal(readFileSync(join(dir, 'one', 'index.json'), 'utf8'), readFileSync(join(dir, 'two', 'index.json'), 'utf8'), 'same inputs, same manifest digest');

  const { problems, files, entrypoint } = layoutProblems(join(dir, 'one'));
  assert.deepEqual(problems, []);
  assert.deepEqual(entrypoint, ['/octant', 'init']);
  assert.deepEqual(files, ['bin/', 'bin/ls -> /octant', 'data/', 'lib64/', 'lib64/ld-linux-x86-64.so.2', 'octant']);

  // Twin: one changed byte in the layer blob is found by the same check.
  const index = JSON.parse(readFileSync(join(dir, 'two', 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const manifest = JSON.parse(readFileSync(join(dir, 'two', 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8')) as { layers: Descriptor[] };
  const layerFile = join(dir, 'two', 'blobs', 'sha256', manifest.layers[0].digest.slice(7));
  const bytes = readFileSync(layerFile);
  bytes[bytes.length - 9] ^= 1;
  writeFileSync(layerFile, bytes);
  assert.throws(() => { const r = layoutProblems(join(dir, 'two')); if (r.problems.length > 0) throw new Error(r.problems.join('; ')); }, /does not match its digest/);
});
