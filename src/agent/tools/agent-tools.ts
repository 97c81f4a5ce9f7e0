// Tools that act on other agents or run programs: exec, agent.spawn,
// agent.message, agent.inbox. Spawning and messaging need the lifecycle
// manager, so these are built per agent by the agents service and handed to
// the gateway.

import type { GatewayAgent } from '../lifecycle/ports.ts';
import type { LifecycleManager } from '../lifecycle/manager.ts';
import { loadSignedManifest } from '../manifest/index.ts';
import type { AgentSession, AnyTool } from './tool.ts';
import { execTool } from './exec.ts';
import { SCRATCH_INSIDE } from '../gateway/port.ts';
import { messageTools, type Mailboxes } from './message.ts';
import { spawnTool } from './spawn.ts';
import { memoryTools } from './memory.ts';
import type { ContextServiceApi } from '../../services/context/api.ts';


export async function agentTools(manager: LifecycleManager, mailboxes: Mailboxes, agent: GatewayAgent, session: AgentSession, context: ContextServiceApi): Promise<AnyTool[]> {
  // Offer only what the manifest can use, so a model does not waste turns
  // (the gateway would refuse the rest anyway).
  const tools: AnyTool[] = [];
  if (agent.policy.executables.length > 0) {
    tools.push(execTool({ policy: agent.policy, binds: [{ source: agent.scratch, target: SCRATCH_INSIDE, mode: 'rw' }], cwd: SCRATCH_INSIDE }));
  }
  if (session.manifest.spawning.allowed) {
    tools.push(spawnTool({
      start: async (manifest, task) => {
        const signed = loadSignedManifest(manifest);
        return manager.start({ signed, command: ['agent-loop'], self: true, parent: session.aid, files: { 'task.json': JSON.stringify({ task, model: 'auto', maxSteps: 20 }) } });
      },
    }));
  }
  tools.push(...messageTools({ mailboxes, related: (from, to) => manager.related(from, to) }));
  const memory = session.manifest.memory;
  if (memory !== undefined) {
    // Before its first step: whom its memory is shared with is recorded (the
    // ledger, when it changed) and its retention applied, from this manifest.
    // Its T3 embedder too: a remote one only when this (effective, signed) manifest names it; and its T4 extractor likewise.
    await context.attach(session.manifest.identity.name, {
      shareWith: memory.shareWith ?? [], retention: memory.retention ?? context.defaultRetention(),
      ...(memory.remoteEmbedder !== undefined ? { remoteEmbedder: memory.remoteEmbedder } : {}),
      ...(memory.remoteExtractor !== undefined ? { remoteExtractor: memory.remoteExtractor } : {}),
    }, { agent: session.aid, lineage: session.lineage }, { vaultToken: agent.token });
    tools.push(...memoryTools(context));
  }
  return tools;
}
