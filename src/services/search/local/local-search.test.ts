import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openLocalSearch, type IndexProgress, type LocalSearch } from './index.ts';
import type { SearchHit } from '../types.ts';
import { SAMPLE_ARTICLES, writeZim } from './testing/zim-writer.ts';

const ctx = { signal: new AbortController().signal };

async function withSearch(fn: (local: LocalSearch, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'octant-local-search-'));
  const local = openLocalSearch({ dir: join(dir, 'index'), batchSize: 2 });
  try {
    await fn(local, dir);
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const search = async (local: LocalSearch, engine: string, text: string, extra: Partial<{ offset: number; limit: number; filters: Record<string, string> }> = {}): Promise<SearchHit[]> =>
  local.engine(engine)!.search({ text, offset: 0, limit: 10, ...extra }, ctx);

test('a files corpus: text, Markdown, HTML and gzip read in the worker; rebuilds add, change, skip and remove', async () => {
  await withSearch(async (local, dir) => {
    const root = join(dir, 'notes');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(join(root, '.hidden'));
    writeFileSync(join(root, 'plain.txt'), 'Propeller slipstream measurements in the tunnel.');
    writeFileSync(join(root, 'guide.md'), '# Wing design guide\n\nAspect ratio and sweep.');
    writeFileSync(join(root, 'sub', 'page.html'), '<html><head><title>Heat &amp; flux</title><script>var secretword=1</script></head><body><p>Turbulent&nbsp;heat transfer.</p></body></html>');
    writeFileSync(join(root, 'sub', 'old.txt.gz'), gzipSync('Compressed notes about nozzles.'));
    writeFileSync(join(root, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    writeFileSync(join(root, 'binary'), Buffer.from([1, 2, 0, 3]));
    writeFileSync(join(root, '.hidden', 'x.txt'), 'hidden nozzles');
    local.register({ name: 'files:notes', kind: 'files', paths: [root] });
    const progress: IndexProgress[] = [];
    const first = await local.build('files:notes', { onProgress: (p) => progress.push(p) });
    assert.deepEqual([first.added, first.changed, first.unchanged, first.removed, first.failed], [4, 0, 0, 0, 0]);
    assert.deepEqual(progress.map((p) => p.phase).filter((p, i, a) => a.indexOf(p) === i), ['listing', 'indexing', 'removing', 'done']);
    // Batches of 2: progress after each.
    assert.deepEqual(progress.filter((p) => p.phase === 'indexing').map((p) => p.done), [0, 2, 4, 5]);

    const wing = await search(local, 'files:notes', 'wing');
    assert.equal(wing[0]!.title, 'Wing design guide (guide.md)');
    assert.equal(wing[0]!.url, join(root, 'guide.md'));
    assert.equal(wing[0]!.engine, 'files:notes');
    const html = await search(local, 'files:notes', 'turbulent');
    assert.equal(html[0]!.title, 'Heat & flux');
    assert.match(html[0]!.snippet, /«Turbulent» heat transfer/);
    assert.deepEqual(await search(local, 'files:notes', 'secretword'), []);
    assert.equal((await search(local, 'files:notes', 'nozzles'))[0]!.id, join(root, 'sub', 'old.txt.gz'));
    assert.equal((await search(local, 'files:notes', 'type:markdown'))[0]!.id, join(root, 'guide.md'));

    // Nothing changed: nothing re-read (but the binary file, which gave no document to remember it by).
    const again = await local.build('files:notes');
    assert.deepEqual([again.added, again.changed, again.unchanged, again.removed], [0, 0, 4, 0]);
    // A touched file with the same content is read again but not re-indexed; an edit is; a deletion removes.
    utimesSync(join(root, 'plain.txt'), new Date(), new Date(Date.now() + 5000));
    writeFileSync(join(root, 'guide.md'), '# Wing design guide\n\nWinglets now.');
    rmSync(join(root, 'sub', 'old.txt.gz'));
    const third = await local.build('files:notes');
    assert.deepEqual([third.added, third.changed, third.unchanged, third.removed], [0, 1, 2, 1]);
    assert.equal((await search(local, 'files:notes', 'winglets')).length, 1);
    assert.deepEqual(await search(local, 'files:notes', 'nozzles'), []);
    const stats = local.stats('files:notes');
    assert.equal(stats.docs, 3);
    assert.ok(stats.terms > 5 && stats.bytes > 0 && stats.lastBuild !== undefined);
  });
});

test('man pages: roff from gzip, the NAME line as description, a section filter; .so pages left out', async () => {
  await withSearch(async (local, dir) => {
    const man = join(dir, 'man');
    mkdirSync(join(man, 'man1'), { recursive: true });
    mkdirSync(join(man, 'man5'), { recursive: true });
    mkdirSync(join(man, 'fr', 'man1'), { recursive: true });
    writeFileSync(join(man, 'man1', 'frob.1.gz'), gzipSync('.\\" comment\n.TH FROB 1 "2024" "frob 1.0"\n.SH NAME\nfrob \\- twiddle the \\fBwidgets\\fR quickly\n.SH SYNOPSIS\n.B frob\n[\\fI\\-v\\fR]\n.SH DESCRIPTION\n.B frob\nrotates widgets around the \\(lqaxis\\(rq.\n'));
    writeFileSync(join(man, 'man5', 'frob.conf.5'), '.TH FROB.CONF 5\n.SH NAME\nfrob.conf \\- widgets configuration\n.SH DESCRIPTION\nSettings for widgets.\n');
    writeFileSync(join(man, 'man1', 'twiddle.1.gz'), gzipSync('.so man1/frob.1\n'));
    writeFileSync(join(man, 'fr', 'man1', 'frob.1'), '.TH FROB 1\n.SH NOM\nfrob \\- tourner les widgets\n');
    local.register({ name: 'man', kind: 'man', paths: [man] });
    const r = await local.build('man');
    assert.equal(r.added, 2);
    const hits = await search(local, 'man', 'widgets');
    assert.deepEqual(hits.map((h) => h.title).sort(), ['frob(1) — twiddle the widgets quickly', 'frob.conf(5) — widgets configuration']);
    const one = await search(local, 'man', 'widgets section:1');
    assert.equal(one.length, 1);
    assert.match(one[0]!.snippet, /rotates «widgets» around the “axis”/);
  });
});

test('Debian packages from a dpkg status file: synopsis as title, long description, filters on section and installed', async () => {
  await withSearch(async (local, dir) => {
    const status = join(dir, 'status');
    writeFileSync(status, [
      'Package: zlib1g\nStatus: install ok installed\nSection: libs\nArchitecture: amd64\nVersion: 1:1.2.13\nDescription: compression library - runtime\n zlib is a library implementing the deflate compression method\n .\n found in gzip and PKZIP.\nHomepage: http://zlib.net/\n',
      'Package: frobber\nStatus: deinstall ok config-files\nSection: utils\nArchitecture: all\nVersion: 2.0\nDescription: turns widgets\n A tool.\n',
    ].join('\n'));
    local.register({ name: 'debian-packages', kind: 'dpkg', paths: [status] });
    assert.equal((await local.build('debian-packages')).added, 2);
    const hits = await search(local, 'debian-packages', 'deflate');
    assert.equal(hits[0]!.id, 'zlib1g');
    assert.equal(hits[0]!.title, 'zlib1g — compression library - runtime');
    assert.equal(hits[0]!.url, 'http://zlib.net/');
    assert.deepEqual(hits[0]!.meta, { section: 'libs', version: '1:1.2.13', arch: 'amd64', installed: 'yes' });
    assert.deepEqual((await search(local, 'debian-packages', 'installed:no')).map((h) => h.id), ['frobber']);
  });
});

test('a git repository: commits and tracked files; a new commit is added on rebuild', async () => {
  await withSearch(async (local, dir) => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    const git = (...args: string[]): string => execFileSync('git', ['-C', repo, '-c', 'user.name=Ada', '-c', 'user.email=ada@example.org', ...args], { encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(join(repo, 'solver.py'), 'def integrate_boundary_layer():\n    pass\n');
    writeFileSync(join(repo, 'untracked.txt'), 'boundary');
    git('add', 'solver.py');
    git('commit', '-q', '-m', 'Add the boundary layer solver', '-m', 'Uses the momentum integral.');
    local.register({ name: 'git:repo', kind: 'git', paths: [repo] });
    assert.equal((await local.build('git:repo')).added, 2);
    const hits = await search(local, 'git:repo', 'boundary');
    assert.deepEqual(hits.map((h) => h.meta!.type ?? 'file').sort(), ['commit', 'text']);
    const commit = (await search(local, 'git:repo', 'momentum type:commit'))[0]!;
    assert.equal(commit.title, 'Add the boundary layer solver');
    assert.equal(commit.meta!.author, 'Ada');
    git('commit', '-q', '--allow-empty', '-m', 'Tune the wake model');
    const again = await local.build('git:repo');
    assert.deepEqual([again.added, again.unchanged], [1, 2]);
  });
});

test('a documents corpus is filled through put and remove; registry errors name the problem', async () => {
  await withSearch(async (local) => {
    local.register({ name: 'ledger', kind: 'documents', description: 'the ledger' });
    const put = await local.put('ledger', [{ id: 'e1', title: 'agent started', body: 'agent alpha started with manifest m1', meta: { agent: 'alpha' } }, { id: 'e2', title: 'file written', body: 'alpha wrote report.txt', meta: { agent: 'alpha' } }]);
    assert.deepEqual([put.added, put.unchanged], [2, 0]);
    assert.equal((await local.put('ledger', [{ id: 'e1', title: 'agent started', body: 'agent alpha started with manifest m1', meta: { agent: 'alpha' } }])).unchanged, 1);
    assert.deepEqual((await search(local, 'ledger', 'alpha')).length, 2);
    assert.equal(await local.remove('ledger', ['e1', 'nope']), 1);
    assert.deepEqual((await search(local, 'ledger', 'alpha')).map((h) => h.id), ['e2']);
    assert.deepEqual(local.corpora().map((c) => [c.name, c.kind, c.stats.docs]), [['ledger', 'documents', 1]]);
    assert.equal(local.engines()[0]!.kind, 'local');
    assert.deepEqual(local.engines()[0]!.hosts, []);

    const code = (fn: () => unknown): string | undefined => { try { fn(); } catch (e) { return (e as { code?: string }).code; } return undefined; };
    assert.equal(code(() => local.register({ name: 'ledger', kind: 'documents' })), 'E_SEARCH_CORPUS_EXISTS');
    assert.equal(code(() => local.register({ name: 'Bad Name', kind: 'documents' })), 'E_SEARCH_CORPUS_NAME');
    assert.equal(code(() => local.register({ name: 'x', kind: 'floppy' as 'files' })), 'E_SEARCH_CORPUS_KIND');
    assert.equal(code(() => local.register({ name: 'y', kind: 'files', paths: ['relative/path'] })), 'E_SEARCH_CORPUS_PATH');
    assert.equal(code(() => local.register({ name: 'z', kind: 'files' })), 'E_SEARCH_CORPUS_PATH');
    assert.equal(code(() => local.register({ name: 'w', kind: 'documents', lang: 'klingon' })), 'E_SEARCH_CORPUS_LANG');
    assert.equal(code(() => local.stats('nope')), 'E_SEARCH_CORPUS_UNKNOWN');
    await assert.rejects(local.build('nope'), (e: Error & { code?: string }) => e.code === 'E_SEARCH_CORPUS_UNKNOWN');

    await local.delete('ledger');
    assert.deepEqual(local.corpora(), []);
    assert.equal(local.engine('ledger'), undefined);
  });
});

test('a second build of one corpus while one runs is refused (E_SEARCH_BUSY); a stopped build removes nothing', async () => {
  await withSearch(async (local, dir) => {
    const root = join(dir, 'many');
    mkdirSync(root);
    for (let i = 0; i < 20; i++) writeFileSync(join(root, `f${i}.txt`), `document number ${i} about wings`);
    local.register({ name: 'files:many', kind: 'files', paths: [root] });
    await local.build('files:many');
    const running = local.build('files:many');
    await assert.rejects(local.build('files:many'), (e: Error & { code?: string }) => e.code === 'E_SEARCH_BUSY');
    await running;
    rmSync(join(root, 'f0.txt'));
    const stop = new AbortController();
    await assert.rejects(local.build('files:many', { signal: stop.signal, onProgress: (p) => { if (p.phase === 'indexing' && p.done >= 2) stop.abort(); } }),
      (e: Error & { code?: string }) => e.code === 'E_SEARCH_ABORTED');
    assert.equal(local.stats('files:many').docs, 20);
    assert.ok(existsSync(join(dir, 'index', 'files~many.sqlite')));
  });
});

test('ZIM archives (Kiwix): articles indexed per cluster range in the worker; a rebuild of the same archive re-indexes nothing', async () => {
  await withSearch(async (local, dir) => {
    const shelf = join(dir, 'shelf');
    mkdirSync(shelf);
    writeFileSync(join(shelf, 'wiki.zim'), writeZim(SAMPLE_ARTICLES, { clusters: [{ compression: 5 }, { compression: 1, wide: true }] }));
    local.register({ name: 'zim:wiki', kind: 'zim', paths: [shelf] });
    const first = await local.build('zim:wiki');
    assert.deepEqual([first.total, first.added, first.failed], [1, 3, 0]);
    const hits = await search(local, 'zim:wiki', 'wing');
    assert.deepEqual(hits.map((h) => h.id), ['C/Aerodynamics']);
    assert.equal(hits[0]!.title, 'Aerodynamics');
    assert.match(hits[0]!.snippet, /around a «wing»/);
    assert.equal(local.engine('zim:wiki')!.category, 'archive');
    const again = await local.build('zim:wiki');
    assert.deepEqual([again.added, again.changed, again.unchanged, again.removed], [0, 0, 3, 0]);
  });
});
