// The ONNX worker's entry (lib/worker-pool.ts runs it; scripts/build.ts
// bundles it into the executable as 'context-onnx'): a sentence-embedding
// model run by onnxruntime-web (onnx-run.ts), loaded on the first task and
// kept. Background work: the thread runs niced. It loads no node:crypto and
// nothing on node:net (what a worker of the executable may load).

import { serveTasks } from '../../../lib/worker-tasks.ts';
import { embedOnnx, type OnnxTask } from './onnx-run.ts';

serveTasks({
  'embed-onnx': (task: OnnxTask): Promise<Float32Array> => embedOnnx(task),
}, { niceness: 10 });
