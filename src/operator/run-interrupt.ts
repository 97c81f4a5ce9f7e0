// Ctrl-C on a foreground `octant run` (SIGINT or SIGTERM). The handler is
// installed before the agent is started, so an interrupt that comes while the
// start is still on its way is not lost (the default handler would end the
// CLI and orphan the agent): the agent is stopped as soon as its id is known.
// The first interrupt stops and archives the agent (its termination sequence
// runs in the system, recorded). A second one detaches from a system that
// runs on its own; a system this run booted stops with it, so there the run
// keeps waiting for the termination.

import type { Writable } from 'node:stream';
import { writeLine } from '../lib/io.ts';
import { admin } from '../runtime/admin/client.ts';
import { AGENTS_API } from '../agent/lifecycle/agents-api.ts';
import type { Paths } from '../runtime/paths.ts';
import type { AgentRecord } from '../agent/lifecycle/records.ts';

export class RunInterrupts {
  private interrupts = 0;
  private aid: string | undefined;
  private detach: () => void = () => {};
  private readonly detached = new Promise<'detached'>((resolve) => { this.detach = () => resolve('detached'); });
  private readonly paths: Paths;
  private readonly ownsSystem: boolean;
  private readonly stderr: Writable;
  private readonly onSignal = (): void => this.interrupt();

  constructor(paths: Paths, ownsSystem: boolean, stderr: Writable) {
    this.paths = paths;
    this.ownsSystem = ownsSystem;
    this.stderr = stderr;
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  get interrupted(): boolean {
    return this.interrupts > 0;
  }

  /** The agent is known: an interrupt that came before stops it now. */
  started(aid: string): void {
    this.aid = aid;
    if (this.interrupts > 0) this.stop();
  }

  /** Waits for the agent's archived record, or for a detach. */
  async wait(): Promise<AgentRecord | 'detached'> {
    return Promise.race([admin(this.paths, 'agents').call(AGENTS_API.wait, { aid: this.aid }), this.detached]);
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }

  private interrupt(): void {
    this.interrupts += 1;
    if (this.interrupts === 1) {
      if (this.aid === undefined) writeLine(this.stderr, 'interrupted: the agent will be stopped as soon as it has started');
      else this.stop();
    } else if (!this.ownsSystem && this.aid !== undefined) {
      writeLine(this.stderr, `detached: agent ${this.aid} keeps running (octant agent stop ${this.aid})`);
      this.detach();
    } else writeLine(this.stderr, `still stopping agent ${this.aid ?? ''}`.trim());
  }

  private stop(): void {
    const aid = this.aid!;
    writeLine(this.stderr, `interrupted: stopping agent ${aid}${this.ownsSystem ? '' : ' (Ctrl-C again to detach and leave it running)'}`);
    admin(this.paths, 'agents').call(AGENTS_API.stop, { aid, reason: 'operator interrupt (Ctrl-C on octant run)' }).catch((error: unknown) => {
      writeLine(this.stderr, `could not stop agent ${aid}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}
