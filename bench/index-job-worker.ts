// The worker entry of bench/heavy-work.ts's indexing job (lib/worker-pool.ts).
import { serveTasks } from '../src/lib/worker-tasks.ts';
import { indexChunk } from './index-job.ts';

// Background work: the thread runs at nice 19 (lib/worker-tasks.ts), as an indexer's would.
serveTasks({ index: (text: string) => indexChunk(text) }, { niceness: 19 });
