// exec: run one of the manifest's allowed programs, confined exactly like the
// agent: a sibling sandbox built from the agent's own SandboxPolicy (same
// binds, seccomp filter and limits, its own cgroup), with the agent's scratch
// directory as its working directory, a time limit and an output limit.

import type { BindMount, SandboxPolicy } from '../../kernel/sandbox-policy.ts';
import { launchSandbox, type SandboxHandle } from '../../kernel/sandbox/launch.ts';
import { pathProblem, pathWithin } from '../manifest/path-set.ts';
import type { Tool, ToolDescription } from './tool.ts';
import { argsError, deniedError, readArgs, stringArg } from './tool-errors.ts';

const MAX_OUTPUT = 64 * 1024;
const MAX_TIMEOUT_MS = 10 * 60_000;

export interface ExecArgs {
  program: string;
  args: string[];
  timeoutMs: number;
}

export interface ExecDeps {
  policy: SandboxPolicy;
  /** Binds beyond the policy's: the agent's scratch directory. */
  binds: BindMount[];
  cwd: string;
  launch?: typeof launchSandbox;
}

function collect(stream: NodeJS.ReadableStream | null, sink: { text: string; truncated: boolean }): Promise<void> {
  if (stream === null) return Promise.resolve();
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      if (sink.text.length >= MAX_OUTPUT) { sink.truncated = true; return; }
      sink.text += chunk.toString('utf8').slice(0, MAX_OUTPUT - sink.text.length);
    });
    stream.on('end', () => resolve());
    stream.on('error', () => resolve());
  });
}

const MAX_ARGS = 256;
const MAX_ARG = 8192;
const DEFAULT_TIMEOUT_MS = 30_000;

export const execDescription: ToolDescription = {
  name: 'exec',
  action: 'exec',
  description: `Run an allowed program with arguments inside the sandbox (working directory /scratch). Output is limited to ${MAX_OUTPUT} bytes per stream.`,
  parameters: {
    type: 'object',
    properties: {
      program: { type: 'string', description: 'absolute path', maxLength: 4096 },
      args: { type: 'array', items: { type: 'string', maxLength: MAX_ARG }, maxItems: MAX_ARGS },
      timeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMEOUT_MS, default: DEFAULT_TIMEOUT_MS },
    },
    required: ['program'],
    additionalProperties: false,
  },
  limits: [`keeps at most ${MAX_OUTPUT} bytes of stdout and of stderr each; more is cut and marked truncated`, 'killed when timeoutMs passes'],
};

export function execTool(deps: ExecDeps): Tool<ExecArgs> {
  let runs = 0;
  return {
    ...execDescription,
    parse(raw) {
      const args = readArgs('exec', raw, ['program', 'args', 'timeoutMs']);
      const program = stringArg('exec', args, 'program', { max: 4096 })!;
      const problem = pathProblem(program);
      if (problem !== undefined) throw argsError('exec', 'program', `${JSON.stringify(program)} ${problem}`);
      const list = args.args ?? [];
      if (!Array.isArray(list) || list.length > MAX_ARGS || !list.every((a) => typeof a === 'string' && a.length <= MAX_ARG && !a.includes('\0'))) throw argsError('exec', 'args', `must be a list of at most ${MAX_ARGS} strings of at most ${MAX_ARG} characters`);
      const timeoutMs = args.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) throw argsError('exec', 'timeoutMs', `must be an integer from 1 to ${MAX_TIMEOUT_MS}`);
      return { program, args: list as string[], timeoutMs };
    },
    check(_session, args) {
      if (!deps.policy.executables.some((allowed) => pathWithin(args.program, allowed))) {
        throw deniedError('exec', `${args.program} is not in the manifest's processes.exec`, deps.policy.executables.length > 0 ? `allowed: ${deps.policy.executables.join(', ')}` : 'this agent may run no programs');
      }
      return { target: args.program, evidence: { args: args.args, timeoutMs: args.timeoutMs } };
    },
    async perform(_session, args, _target, signal) {
      runs++;
      const launch = deps.launch ?? launchSandbox;
      const handle: SandboxHandle = launch({ ...deps.policy, id: `${deps.policy.id}-x${runs}` }, [args.program, ...args.args], {
        extraBinds: deps.binds,
        cwd: deps.cwd,
        env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: deps.cwd },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stdout = { text: '', truncated: false };
      const stderr = { text: '', truncated: false };
      let timedOut = false;
      const timer = setTimeout(() => { timedOut = true; void handle.kill(); }, args.timeoutMs);
      const abort = () => void handle.kill();
      signal.addEventListener('abort', abort);
      try {
        const [exit] = await Promise.all([handle.exited, collect(handle.stdio.stdout, stdout), collect(handle.stdio.stderr, stderr)]);
        return { code: exit.code, signal: exit.signal, timedOut, stdout: stdout.text, stderr: stderr.text, truncated: stdout.truncated || stderr.truncated };
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', abort);
      }
    },
  };
}
