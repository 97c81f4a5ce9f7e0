// The memory store's worker entry (lib/worker-pool.ts runs it;
// scripts/build.ts bundles it into the executable as 'memory-store'): bulk
// import, whose parsing, checking and FTS indexing grow with the input, so
// it never runs on the event loop serving agents (docs/memory.md "Heavy
// work").
//
// It loads node:sqlite (through process.getBuiltinModule, schema.ts) and
// nothing on node:crypto or node:net: what a worker of the executable may
// load (worker-pool.ts).

import { serveTasks } from '../../../lib/worker-tasks.ts';
import { importIntoFile } from './import-lines.ts';

serveTasks({
  'memory-import': importIntoFile,
});
