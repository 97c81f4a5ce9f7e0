// The redaction worker's entry (lib/worker-pool.ts runs it; scripts/build.ts
// bundles it into the executable): the same Redactor as the vault's, over the
// values the task names. The automaton is kept while the values stay the
// same (building it costs more than a short scan).
//
// It imports only redact.ts and what that imports (no node:crypto, nothing
// on node:net): what a worker of the executable may load.

import { serveTasks } from '../../lib/worker-tasks.ts';
import { Redactor, type RedactTask } from './redact.ts';

let current: { key: string; redactor: Redactor } | undefined;

function redactorFor(values: string[]): Redactor {
  const key = values.join('\u0000');
  if (current?.key !== key) {
    const redactor = new Redactor();
    for (const value of values) redactor.add(value);
    current = { key, redactor };
  }
  return current.redactor;
}

serveTasks({
  redact: ({ values, text }: RedactTask): string => redactorFor(values).redact(text),
});
