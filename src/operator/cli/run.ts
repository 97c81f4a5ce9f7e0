// octant run: give an agent a task (the built-in loop) or wrap an existing
// program, in the sandbox its signed manifest describes, and wait for it.
// With a system running it is submitted there; otherwise the system is
// booted in this process for the run and stopped afterwards.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { boolFlag, requirePositional, stringFlag, type Parsed } from '../../lib/args.ts';
import { EXIT, OctantError, usageError, messageOf } from '../../lib/errors.ts';
import { writeJson, writeLine } from '../../lib/io.ts';
import { admin } from '../../runtime/admin/client.ts';
import { AGENTS_API } from '../../agent/lifecycle/agents-api.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { AgentRecord } from '../../agent/lifecycle/records.ts';
import { parseLoopTask, type LoopTask } from '../../agent/loop/task.ts';
import { agentReport, storyLines, summaryLines } from '../agent-report.ts';
import { startSystem } from '../system.ts';
import { notifyPendingApprovals } from '../approvals/pending-notifier.ts';
import { followLog } from '../log-follower.ts';
import { RunInterrupts } from '../run-interrupt.ts';
import { agentsDir } from '../../agent/lifecycle/compose.ts';
import { agentDir } from '../../agent/lifecycle/records.ts';
import { ApprovalStore, approvalsDir } from '../../agent/approvals/store.ts';
import type { Command } from './command.ts';
import { isolationFlag } from './isolation-flag.ts';
import { readApprovalFile } from '../approval-file.ts';
import { checkCanStart } from '../../agent/manifest/startup-checks.ts';
import { loadSignedManifest } from '../../agent/manifest/index.ts';
import { systemAnswers } from './running-system.ts';

const NOTES = `MANIFEST is a signed manifest (octant manifest sign). The agent runs in its
sandbox; every action it takes is checked, recorded in the ledger, and
critical ones wait for 'octant approvals'. Without a running system, one is
booted for the run. --isolation can raise the tier the manifest and the
system policy give, never lower it (refused with E_MANIFEST_ISOLATION).
A wrapped program's output is shown as it comes (OpenAI/Anthropic SDKs work
unchanged). Exit status: the agent's.`;

/** The --script file: a fixed plan of tool calls, read and parsed here so a bad one names the file. */
function readScript(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OctantError('E_RUN_SCRIPT', `run: --script ${file}: ${messageOf(error)}`, { exit: EXIT.usage });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OctantError('E_RUN_SCRIPT', `run: --script ${file}: not valid JSON (${messageOf(error)})`, { exit: EXIT.usage, hint: 'the script is a JSON array of tool calls (docs/agents.md)' });
  }
}

/** The running system, or one booted here for this run. */
export async function ensureSystem(paths: Paths): Promise<{ stop(): Promise<void> } | undefined> {
  if (await systemAnswers(paths)) return undefined;
  const system = await startSystem({ paths });
  await system.ready;
  return { stop: () => system.stop('run finished') };
}

function buildTask(parsed: Parsed, cwd: string): LoopTask {
  const script = stringFlag(parsed, 'script');
  const steps = parsed.values['max-steps'];
  const contextChars = parsed.values['context-chars'];
  return parseLoopTask({
    task: stringFlag(parsed, 'task') ?? (script ? `run the script ${script}` : undefined),
    model: stringFlag(parsed, 'model'),
    maxSteps: steps === undefined ? undefined : Number(steps),
    script: script === undefined ? undefined : readScript(resolve(cwd, script)),
    contextChars: contextChars === undefined ? undefined : Number(contextChars),
  });
}

export const command: Command = {
  name: 'run',
  summary: 'run an agent on a task (or wrap a program) in its sandbox and wait for it',
  synopsis: [
    'MANIFEST --task TEXT [--model NAME] [--max-steps N] [--context-chars N] [--isolation TIER] [--approval FILE] [--detach] [--json] [--story]',
    'MANIFEST --script FILE [--task TEXT] [options]',
    'MANIFEST [--detach] [--isolation TIER] -- COMMAND [ARG...]',
  ],
  options: {
    task: { type: 'string', value: 'TEXT', help: 'the task for the built-in agent loop' },
    script: { type: 'string', value: 'FILE', help: 'a fixed plan of tool calls (JSON) instead of a model' },
    model: { type: 'string', value: 'NAME', help: 'the router model or route the loop asks for' },
    'max-steps': { type: 'string', value: 'N', help: 'stop the loop after N steps' },
    'context-chars': { type: 'string', value: 'N', help: 'compact the conversation past N characters (older turns go to the agent\'s memory first, if it has one)' },
    isolation: { type: 'string', value: 'TIER', help: 'namespaces or gvisor: raise the isolation tier, never lower it' },
    approval: { type: 'string', value: 'FILE', help: 'a signed approval (octant manifest approve), as lifetime.ttl: unlimited needs' },
    detach: { type: 'boolean', help: 'print the agent id and return (needs a running system)' },
    json: { type: 'boolean', help: 'print the report as JSON' },
    story: { type: 'boolean', help: 'also print what the agent did, step by step' },
    'accept-unenforced-limits': { type: 'boolean', help: 'run even where the agent\'s memory, pids and cpu limits cannot be enforced (no cgroup for this user); recorded in the ledger' },
  },
  notes: NOTES,
  async run(parsed, { io, rootFlag, paths: layout }) {
    const isolation = isolationFlag(parsed, 'run');
    const file = resolve(io.cwd, requirePositional(parsed, 0, 'MANIFEST', 'run'));
    if (!existsSync(file)) throw new OctantError('E_MANIFEST_READ', `run: ${file}: no such file`, { exit: EXIT.unavailable });
    const wrapped = parsed.rest.length > 0;
    if (wrapped && (stringFlag(parsed, 'task') ?? stringFlag(parsed, 'script')) !== undefined) throw usageError('run: give either --task/--script or a COMMAND after --, not both');
    if (!wrapped && stringFlag(parsed, 'task') === undefined && stringFlag(parsed, 'script') === undefined) throw usageError('run: --task TEXT (or --script FILE, or -- COMMAND) is required', "see 'octant run --help'");
    const task = wrapped ? undefined : buildTask(parsed, io.cwd);
    const paths = layout();
    const text = readFileSync(file, 'utf8');
    const approvalFile = stringFlag(parsed, 'approval');
    const approvals = approvalFile === undefined ? undefined : [readApprovalFile(resolve(io.cwd, approvalFile))];
    // A manifest that could not start this agent is refused here, naming the group or grant to add.
    checkCanStart(loadSignedManifest({ text, origin: file }).manifest, wrapped ? parsed.rest : undefined);
    const acceptUnenforcedLimits = boolFlag(parsed, 'accept-unenforced-limits') || undefined;

    const owned = await ensureSystem(paths);
    if (owned && boolFlag(parsed, 'detach')) {
      await owned.stop();
      throw usageError('run: --detach needs a running system (start one with octant up or octant boot)');
    }
    // In the foreground, every approval the agent waits for is shown with the
    // commands that decide it (a wrapped program's start may wait for one too).
    let aid: string | undefined;
    const stopNotifier = boolFlag(parsed, 'detach')
      ? () => {}
      : notifyPendingApprovals({ store: new ApprovalStore(approvalsDir(paths)), since: Date.now(), agent: () => aid, rootFlag, write: (line) => writeLine(io.stderr, line) });
    // Ctrl-C is taken from here on, so one that comes during the start is not lost.
    const interrupts = boolFlag(parsed, 'detach') ? undefined : new RunInterrupts(paths, owned !== undefined, io.stderr);
    try {
      const started = wrapped
        ? await admin(paths, 'agents').call(AGENTS_API.start, { manifest: text, origin: file, command: parsed.rest, wrapped: true, isolation, acceptUnenforcedLimits, approvals })
        : await admin(paths, 'agents').call(AGENTS_API.run, { manifest: text, origin: file, task, isolation, acceptUnenforcedLimits, approvals });
      aid = started.aid;
      interrupts?.started(started.aid);
      if (boolFlag(parsed, 'detach')) {
        writeLine(io.stdout, started.aid);
        return EXIT.ok;
      }
      if (!boolFlag(parsed, 'json')) writeLine(io.stderr, `agent ${started.aid} running; waiting for it (octant agent logs ${started.aid}; Ctrl-C stops it)`);
      // A wrapped program's own output is shown as it comes (escaped), as
      // if it ran here; with --json only the report goes to stdout.
      const dir = agentDir(agentsDir(paths), started.aid);
      const followers = wrapped && !boolFlag(parsed, 'json')
        ? [followLog(join(dir, 'stdout.log'), (t) => io.stdout.write(t)), followLog(join(dir, 'stderr.log'), (t) => io.stderr.write(t))]
        : [];
      let ended: AgentRecord | 'detached';
      try {
        ended = await interrupts!.wait();
      } finally {
        for (const f of followers) f.stop();
      }
      if (ended === 'detached') return EXIT.interrupted;
      const report = agentReport(paths, ended);
      if (boolFlag(parsed, 'json')) writeJson(io.stdout, report);
      else {
        for (const line of summaryLines(report)) writeLine(io.stdout, line);
        if (boolFlag(parsed, 'story')) for (const line of storyLines(report)) writeLine(io.stdout, line);
      }
      return interrupts!.interrupted ? EXIT.interrupted : ended.exit?.code ?? EXIT.failure;
    } finally {
      interrupts?.dispose();
      stopNotifier();
      await owned?.stop();
    }
  },
};
