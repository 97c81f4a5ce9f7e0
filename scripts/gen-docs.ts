// Regenerate the references that are made from the code:
//   docs/config.md  from the configuration schemas,
//   docs/errors.md  from every E_ code in src/ (scripts/docs/error-scan.ts),
//   docs/tools.md   from the tool definitions in src/agent/tools.
// `node scripts/gen-docs.ts` writes them; `--check` writes nothing and
// exits 1 naming the stale ones (test/generated-docs.test.ts runs the same).

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES } from '../src/operator/service-table.ts';
import { fsTools } from '../src/agent/tools/fs-tools.ts';
import { execDescription } from '../src/agent/tools/exec.ts';
import { httpFetchDescription } from '../src/agent/tools/http-fetch.ts';
import { spawnDescription } from '../src/agent/tools/spawn.ts';
import { inboxDescription, messageDescription } from '../src/agent/tools/message.ts';
import { searchQueryDescription } from '../src/agent/tools/search-query.ts';
import { memoryDescriptions } from '../src/agent/tools/memory.ts';
import { configReference } from './docs/config-reference.ts';
import { productSources, scanErrorCodes } from './docs/error-scan.ts';
import { errorCatalogue } from './docs/error-catalogue.ts';
import { toolReference } from './docs/tool-reference.ts';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every generated document: path relative to the repository → content. */
export function generateDocs(repo = REPO): Record<string, string> {
  const codes = scanErrorCodes(repo, productSources(join(repo, 'src')));
  return {
    'docs/config.md': configReference(SERVICES),
    'docs/errors.md': errorCatalogue(codes),
    'docs/tools.md': toolReference(repo, [
      { file: 'src/agent/tools/fs-tools.ts', tools: fsTools },
      { file: 'src/agent/tools/http-fetch.ts', tools: [httpFetchDescription] },
      { file: 'src/agent/tools/exec.ts', tools: [execDescription] },
      { file: 'src/agent/tools/spawn.ts', tools: [spawnDescription] },
      { file: 'src/agent/tools/message.ts', tools: [messageDescription, inboxDescription] },
      { file: 'src/agent/tools/search-query.ts', tools: [searchQueryDescription] },
      { file: 'src/agent/tools/memory.ts', tools: Object.values(memoryDescriptions) },
    ], codes, ['src/agent/gateway/mediator.ts', 'src/agent/tools/tool-errors.ts']),
  };
}

/** The generated documents whose committed text differs. */
export function staleDocs(repo = REPO): string[] {
  const stale: string[] = [];
  for (const [path, text] of Object.entries(generateDocs(repo))) {
    let current = '';
    try {
      current = readFileSync(join(repo, path), 'utf8');
    } catch {
      // A missing document is stale.
    }
    if (current !== text) stale.push(path);
  }
  return stale;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  if (check) {
    const stale = staleDocs();
    if (stale.length > 0) {
      process.stderr.write(`stale generated docs: ${stale.join(', ')}\nregenerate with: node scripts/gen-docs.ts\n`);
      process.exit(1);
    }
    process.stdout.write('generated docs are up to date\n');
  } else {
    for (const [path, text] of Object.entries(generateDocs())) {
      writeFileSync(join(REPO, path), text);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
}
