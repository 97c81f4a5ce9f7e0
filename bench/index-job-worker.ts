// The worker entry of bench/heavy-work.ts's indexing job (lib/worker-pool.ts).
import { serveTasks } from '../src/lib/worker-tasks.ts';
import { indexChunk } from './index-job.ts';

serveTasks({ index: (text: string) => indexChunk(text) });
