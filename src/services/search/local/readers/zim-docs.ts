// The articles of a ZIM archive (zim-archive.ts) as documents: entries in
// the content namespace ('C' since ZIM 6.1, 'A' before) whose MIME type is
// HTML or plain text; redirects, images, metadata and the search indexes
// Kiwix ships inside archives are left out. An archive's directory is read
// once per worker (kept while its stamp is the same) and grouped by cluster,
// so each unit (a range of clusters) decompresses each of its clusters once.

import type { IndexDoc } from '../corpus-types.ts';
import { htmlToText } from './html-text.ts';
import { ZimArchive, type ZimEntry } from './zim-archive.ts';

const TEXT_MIME = /^text\/(html|plain)\b/;

let open: { key: string; archive: ZimArchive; byCluster: Map<number, ZimEntry[]> } | undefined;

function archiveFor(file: string, stamp: string): { archive: ZimArchive; byCluster: Map<number, ZimEntry[]> } {
  const key = `${file}\u0000${stamp}`;
  if (open?.key !== key) {
    open?.archive.close();
    open = undefined;
    const archive = new ZimArchive(file);
    const byCluster = new Map<number, ZimEntry[]>();
    for (const entry of archive.entries()) {
      if ((entry.namespace !== 'C' && entry.namespace !== 'A') || entry.mime === undefined || !TEXT_MIME.test(entry.mime)) continue;
      let list = byCluster.get(entry.cluster);
      if (list === undefined) byCluster.set(entry.cluster, (list = []));
      list.push(entry);
    }
    open = { key, archive, byCluster };
  }
  return open;
}

export function zimDocs(file: string, stamp: string, [from, to]: [number, number]): IndexDoc[] {
  const { archive, byCluster } = archiveFor(file, stamp);
  const name = file.slice(file.lastIndexOf('/') + 1);
  const decoder = new TextDecoder();
  const out: IndexDoc[] = [];
  for (let cluster = from; cluster < to; cluster++) {
    const entries = byCluster.get(cluster);
    if (entries === undefined) continue;
    const blobs = archive.cluster(cluster);
    for (const entry of entries) {
      const blob = blobs[entry.blob];
      if (blob === undefined) continue;
      const text = decoder.decode(blob);
      const body = entry.mime!.startsWith('text/html') ? htmlToText(text).body : text;
      out.push({ id: `${entry.namespace}/${entry.path}`, title: entry.title, body, meta: { archive: name, path: entry.path } });
    }
  }
  return out;
}
