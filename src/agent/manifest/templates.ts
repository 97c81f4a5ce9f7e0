// `octant manifest new --for loop|python|node|shell`: manifests that run as
// written (each is signed and run in a real sandbox by
// test/integration/manifest-templates.test.ts). Each grants what its
// program needs to start and nothing else:
//
// - loop: octant's built-in agent loop (Node) talks to the model and the
//   tools through its gateway socket: @process-spawn (Node's threads are
//   clones), @network-client (the socket), @timers; no program, no path.
// - python / node / shell: a wrapped program. Its interpreter is the one
//   program processes.exec grants, the program file is the one path
//   filesystem.read grants, and octant's bridge beside it listens on
//   loopback for the program's SDKs and the egress proxy: @network-server.
//
// The text carries a comment per grant saying why, like the examples.

import { OctantError, EXIT } from '../../lib/errors.ts';

export const TEMPLATE_KINDS = ['loop', 'python', 'node', 'shell'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** The interpreter each wrapped template grants (Debian's packages python3, nodejs, dash). */
export const INTERPRETERS: Readonly<Record<Exclude<TemplateKind, 'loop'>, string>> = {
  python: '/usr/bin/python3',
  node: '/usr/bin/node',
  shell: '/bin/sh',
};

const EXTENSIONS: Readonly<Record<Exclude<TemplateKind, 'loop'>, string>> = { python: 'py', node: 'mjs', shell: 'sh' };

export interface TemplateOptions {
  name: string;
  operator: string;
  role?: string;
  /** A vault grant the agent may use (the provider's key for the loop or an SDK). */
  credential?: string;
  /** Host path of the wrapped program (default /opt/agents/<name>/agent.<ext>). */
  program?: string;
}

export function isTemplateKind(kind: string): kind is TemplateKind {
  return (TEMPLATE_KINDS as readonly string[]).includes(kind);
}

/** The wrapped program's path, absolute. */
export function templateProgram(kind: Exclude<TemplateKind, 'loop'>, options: TemplateOptions): string {
  const program = options.program ?? `/opt/agents/${options.name}/agent.${EXTENSIONS[kind]}`;
  if (!program.startsWith('/')) throw new OctantError('E_USAGE', `--program: ${JSON.stringify(program)} must be an absolute path (it is granted by that path)`, { exit: EXIT.usage });
  return program;
}

/** The `octant run` arguments after the manifest that start this template's agent. */
export function templateRunArgs(kind: TemplateKind, options: TemplateOptions): string[] {
  return kind === 'loop' ? ['--task', 'Say hello in one sentence.'] : ['--', INTERPRETERS[kind], templateProgram(kind, options)];
}

export function manifestTemplate(kind: TemplateKind, options: TemplateOptions): string {
  const q = (s: string): string => JSON.stringify(s);
  const credentials = options.credential === undefined ? '[]   # vault grant names, e.g. [openai-key] (octant vault grant openai-key --manifest NAME)' : `[${q(options.credential)}]   # the provider key; the vault injects it, the agent only holds a placeholder`;
  const head = `# OctantOS capability manifest (docs/manifests.md), from: octant manifest new --for ${kind}
# Sign it:  octant manifest sign FILE --key KEY --out FILE.signed.json
# Run it:   octant run FILE.signed.json ${templateRunArgs(kind, options).map((a) => (/\s/.test(a) ? q(a) : a)).join(' ')}
version: 1
identity:
  name: ${q(options.name)}
${options.role === undefined ? '' : `  role: ${q(options.role)}\n`}  operator: ${q(options.operator)}
`;
  const tail = `resources:
  cpu: 0.5
  memory: 512MiB
  ioBandwidth: 10MiB/s
  pids: 64
  networkThroughput: 1MiB/s
credentials: ${credentials}
skills: []
spawning:
  allowed: false
lifetime:
  ttl: 1h
  onExpiry: terminate
`;
  if (kind === 'loop') {
    return `${head}filesystem:
  read: []     # what its fs.read / fs.list tools may see, e.g. [/data/papers]
  write: []    # where fs.write may write besides its own /scratch
network:
  destinations: []   # hosts its http.fetch tool may reach; the model is reached through the gateway, not here
# The built-in loop is Node: threads are clones (@process-spawn); it reaches
# its gateway (model and tools) over a Unix socket (@network-client).
syscalls: ["@base", "@file-read", "@process-spawn", "@network-client", "@timers"]
processes:
  exec: []     # the loop runs no program of its own
${tail}governance:
  critical: [fs.delete]   # waits for 'octant approvals approve' before deleting anything
`;
  }
  const program = templateProgram(kind, options);
  return `${head}filesystem:
  read: [${q(program)}]   # the program itself (the interpreter and its libraries under /usr are always there, read-only)
  write: []    # it writes its own /scratch (its working directory); add e.g. /workspace
network:
  destinations: []   # e.g. { host: api.example.com, ports: 443, protocol: https }
# The interpreter${kind === 'node' ? ' (Node: threads are clones)' : ''} and octant's bridge beside it need
# @process-spawn; the bridge listens on loopback for the program's SDK
# (OPENAI_BASE_URL / ANTHROPIC_BASE_URL) and the egress proxy: @network-server.
syscalls: ["@base", "@file-read", "@file-write", "@process-spawn", "@network-client", "@network-server", "@timers"]
processes:
  exec: [${q(INTERPRETERS[kind])}]   # the one program it may execute; add each program it runs (e.g. /usr/bin/git)
${tail}governance:
  critical: []   # e.g. [net.request]: each outbound connection waits for an approval
`;
}

