// What a manifest's `memory` domain lets the agent do, in the words of
// `octant manifest explain` (explain.ts).

import type { Manifest } from './schema.ts';
import { formatDuration } from './units.ts';

export function memoryLines(m: Manifest, can: string[], cannot: string[]): void {
  const memory = m.memory;
  if (memory === undefined) {
    cannot.push('remember anything across tasks (it has no memory)');
    return;
  }
  const kept = [
    memory.retention?.maxAge !== undefined ? `for ${formatDuration(memory.retention.maxAge)}` : '',
    memory.retention?.maxCount !== undefined ? `at most ${memory.retention.maxCount} memories` : '',
  ].filter((x) => x !== '').join(', ');
  can.push(`remember facts and notes across tasks and restarts in its own memory (named ${m.identity.name}${kept === '' ? '' : `; kept ${kept}`})`);
  if (memory.read !== undefined) can.push(`read the memory of ${memory.read.join(', ')}, each only if that agent's manifest shares it with ${m.identity.name}`);
  if (memory.shareWith !== undefined) can.push(`let ${memory.shareWith.join(', ')} read its memory (if their manifests ask to)`);
  if (memory.remoteEmbedder !== undefined) can.push(`send its memory's text to the router deployment ${memory.remoteEmbedder} to compute embeddings`);
  else cannot.push('send its memory off this machine for embeddings (they are computed locally)');
  if (memory.remoteExtractor !== undefined) can.push(`send its memory's text to the router deployment ${memory.remoteExtractor} to extract entities and relations`);
  else cannot.push('send its memory off this machine for entity extraction (it is rule-based, local)');
}
