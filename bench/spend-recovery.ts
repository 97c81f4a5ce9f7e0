// What a crash costs the router at the next start: replaying its spend from
// the ledger. With a saved state the router reads only the entries after its
// mark; with none (or an unreadable one) it replays every router entry from
// the first. This measures that worst case: a ledger of N calls (a decision
// and an outcome each, as the router records them), replayed a 4 MiB chunk
// at a time, three times.
// Usage: node bench/spend-recovery.ts [calls]   (default 100000)
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerStore } from '../src/services/ledger/store.ts';
import { Budgets } from '../src/services/router/routing/budget.ts';
import { recoverSpend } from '../src/services/router/spend-recovery.ts';

const calls = Number(process.argv[2] ?? '100000');
const dir = mkdtempSync(join('/var/tmp', 'octant-spend-bench-'));
try {
  const store = await LedgerStore.open(dir);
  const candidate = { deployment: 'fake', eligible: true, estimatedUsd: 0.00002, reason: 'tier 2 for simple', score: 0.8 };
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < calls) {
      const agent = `aid-${next++ % 50}`;
      const decision = await store.append({ agent, lineage: [], kind: 'router', action: 'route', target: 'default', decision: 'allow', detail: { candidates: [candidate], complexity: 'simple', estimatedPromptTokens: 12, matched: 'zero-configuration default', order: ['fake'], policy: 'auto', reason: 'auto policy picked fake', requested: 'auto', reservedTokens: 40, reservedUsd: 0.00004, route: 'default', winner: 'fake' } });
      await store.append({ agent, lineage: [], kind: 'router', action: 'complete', target: 'fake', decision: 'ok', detail: { attempts: [{ deployment: 'fake', ms: 1, ok: true }], decisionSeq: decision.seq, reservedTokens: 40, reservedUsd: 0.00004, route: 'default', usage: { cachedTokens: 0, completionTokens: 5, promptTokens: 10 }, usd: 0.00002 } });
    }
  }));
  await store.close();
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const result = recoverSpend(new Budgets(), dir, undefined);
    const ms = performance.now() - start;
    console.log(`full replay of ${result.entries} router entries: ${ms.toFixed(0)} ms = ${Math.round(result.entries / (ms / 1000))} entries/s (heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
