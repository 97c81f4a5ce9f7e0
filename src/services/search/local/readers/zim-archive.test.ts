import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_ARTICLES as ARTICLES, writeZim } from '../testing/zim-writer.ts';
import { ZimArchive } from './zim-archive.ts';
import { zimDocs } from './zim-docs.ts';


function withZim(fn: (file: string) => void, clusters: { compression: 1 | 4 | 5; wide?: boolean }[] = [{ compression: 5 }, { compression: 1, wide: true }]): void {
  const dir = mkdtempSync(join(tmpdir(), 'octant-zim-'));
  try {
    const file = join(dir, 'test.zim');
    writeFileSync(file, writeZim(ARTICLES, { clusters }));
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a ZIM archive: header, MIME types, entries in path order, redirects, zstd and stored clusters with 4- and 8-byte offsets', () => {
  withZim((file) => {
    const zim = new ZimArchive(file);
    assert.equal(zim.header.major, 6);
    assert.equal(zim.header.entryCount, 6);
    assert.equal(zim.header.clusterCount, 2);
    assert.deepEqual(zim.mimeTypes.sort(), ['text/css', 'text/html', 'text/plain']);
    const entries = [...zim.entries()];
    assert.deepEqual(entries.map((e) => `${e.namespace}/${e.path}`), ['C/Aerodynamics', 'C/Boundary_layer', 'C/Wing', 'C/notes.txt', 'C/style.css', 'M/Title']);
    const redirect = entries.find((e) => e.path === 'Wing')!;
    assert.equal(redirect.mime, undefined);
    const notes = entries.find((e) => e.path === 'notes.txt')!;
    assert.equal(notes.title, 'notes.txt');
    assert.equal(new TextDecoder().decode(zim.cluster(notes.cluster)[notes.blob]), 'Plain notes about propellers.');
    const aero = entries.find((e) => e.path === 'Aerodynamics')!;
    assert.match(new TextDecoder().decode(zim.cluster(aero.cluster)[aero.blob]), /motion of air/);
    zim.close();
  });
});

test('the articles of a ZIM archive as documents: HTML and text in the content namespace only, no redirects, CSS or metadata', () => {
  withZim((file) => {
    const docs = zimDocs(file, 's1', [0, 2]);
    assert.deepEqual(docs.map((d) => d.id).sort(), ['C/Aerodynamics', 'C/Boundary_layer', 'C/notes.txt']);
    const aero = docs.find((d) => d.id === 'C/Aerodynamics')!;
    assert.equal(aero.title, 'Aerodynamics');
    assert.match(aero.body, /motion of air around a wing/);
    assert.deepEqual(aero.meta, { archive: 'test.zim', path: 'Aerodynamics' });
    // A range of clusters gives the articles stored in them.
    assert.deepEqual(zimDocs(file, 's1', [1, 2]).map((d) => d.id).sort(), ['C/Boundary_layer', 'C/notes.txt']);
  });
});

test('refused: a file that is not a ZIM archive; an xz cluster names what node:zlib cannot read (its twin, zstd, reads)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-zim-'));
  try {
    writeFileSync(join(dir, 'bad.zim'), Buffer.alloc(100));
    assert.throws(() => new ZimArchive(join(dir, 'bad.zim')), /not a ZIM archive/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  withZim((file) => {
    assert.throws(() => zimDocs(file, 'xz', [0, 1]), /cluster 0 is xz-compressed, which node:zlib cannot read/);
    assert.equal(zimDocs(file, 'xz', [1, 2]).length, 2);
  }, [{ compression: 4 }, { compression: 5 }]);
});
