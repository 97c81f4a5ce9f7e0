// One batch of a corpus into its index (in the worker; callable on any
// thread for tests and small corpora): each unit read into documents
// (readers/load-unit.ts) and upserted in one transaction. A file whose
// stamp (size, mtime) is the one indexed is not even read; a document whose
// content hash is unchanged is not re-analyzed. A unit that cannot be read
// fails alone.

import type { FtsIndex } from '../../../lib/fts/fts-index.ts';
import type { BatchResult, IndexBatch, IndexDoc } from './corpus-types.ts';
import { loadUnit } from './readers/load-unit.ts';

const MAX_ERRORS = 5;

export function toFtsDoc(doc: IndexDoc, stamp?: string): Parameters<FtsIndex['upsert']>[0] {
  const meta: Record<string, string | number> = { ...doc.meta };
  if (doc.url !== undefined) meta.url = doc.url;
  return { id: doc.id, fields: { title: doc.title, body: doc.body }, meta, ...(stamp === undefined ? {} : { stamp }) };
}

export function indexUnits(index: FtsIndex, batch: IndexBatch): BatchResult {
  const result: BatchResult = { added: 0, changed: 0, unchanged: 0, failed: 0, errors: [] };
  index.transaction(() => {
    for (const unit of batch.units) {
      if ('path' in unit && unit.stamp !== undefined && index.unchangedStamp(unit.path, unit.stamp, batch.gen)) {
        result.unchanged++;
        continue;
      }
      let docs: IndexDoc[];
      try {
        docs = loadUnit(batch.kind, unit);
      } catch (error) {
        result.failed++;
        if (result.errors.length < MAX_ERRORS) result.errors.push(`${'path' in unit ? unit.path : 'zim' in unit ? `${unit.zim} clusters ${unit.clusters.join('-')}` : unit.doc.id}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const stamp = 'path' in unit && docs.length === 1 && docs[0]!.id === unit.path ? unit.stamp : undefined;
      for (const doc of docs) result[index.upsert(toFtsDoc(doc, stamp), batch.gen)]++;
    }
  });
  return result;
}
