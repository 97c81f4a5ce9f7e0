// octant agent: start, list, inspect, suspend, resume, stop agents; read their logs.
// Agents belong to the running system (the agents service, reached over the
// admin socket). `start --foreground` instead runs the lifecycle manager in
// this process until the agent ends (no booted system needed; the vault is
// not available there, so manifests with credential grants are refused).
// list, inspect and logs read the agent records on disk and work either way.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { boolFlag, requirePositional, stringFlag, type Parsed } from '../../lib/args.ts';
import { OctantError, EXIT, usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import { safeField, safeLines } from '../../lib/safe-text.ts';
import type { Paths } from '../../runtime/paths.ts';
import { admin } from '../../runtime/admin/client.ts';
import { AGENTS_API } from '../../agent/lifecycle/agents-api.ts';
import { openLedger } from '../../services/ledger/api.ts';
import { loadSignedManifest } from '../../agent/manifest/index.ts';
import { agentsDir, composeLifecycle } from '../../agent/lifecycle/compose.ts';
import { agentDir, listRecords, readRecord, type AgentRecord } from '../../agent/lifecycle/records.ts';
import { STATES, nextState } from '../../agent/lifecycle/state-machine.ts';
import type { Action, Command, CommandContext } from './command.ts';
import { agentsSettings, isolationFlag } from './isolation-flag.ts';
import { resolveAid } from '../resolve-aid.ts';
import { recordEvent } from '../../services/ledger/api.ts';
import { pruneAgents, removable, removeAgent } from '../agent-removal.ts';
import { followAgentLog } from '../follow.ts';
import { agentFiles } from '../agent-files.ts';

export { resolveAid } from '../resolve-aid.ts';

function printRecord(io: Io, r: AgentRecord): void {
  // Names, commands, reasons and paths can carry an agent's (or a child's) text: each field is escaped.
  const f = safeField;
  const lines = [
    `aid       ${f(r.aid)}`,
    `name      ${f(r.name || '-')}`,
    `state     ${r.state}`,
    `manifest  ${f(r.manifestHash || '-')}`,
    `operator  ${f(r.operator || '-')}`,
    `parent    ${f(r.parent ?? '-')}`,
    `lineage   ${r.lineage.length > 0 ? r.lineage.map(f).join(' > ') : '-'}`,
    `command   ${r.command.map(f).join(' ')}`,
    `created   ${r.createdAt}`,
    `updated   ${r.updatedAt}`,
    `deadline  ${r.deadline ?? '-'}`,
    `exit      ${r.exit ? (r.exit.signal ?? `code ${r.exit.code}`) : '-'}`,
    `reason    ${f(r.reason ?? '-')}`,
    `retained  ${r.retained.length > 0 ? r.retained.map(f).join(', ') : '-'}`,
    `limits    ${r.limits === undefined ? '-' : r.limits.enforced ? `enforced (${r.limits.detail})` : `NOT enforced (${r.limits.reason}); accepted by ${r.limits.acceptedBy}`}`,
  ];
  writeLine(io.stdout, lines.join('\n'));
}

/** Foreground: the lifecycle manager lives in this process until the agent ends. */
async function startForeground(paths: Paths, io: Io, signed: unknown, command: string[], json: boolean, isolation: 'namespaces' | 'gvisor' | undefined, acceptUnenforcedLimits: boolean): Promise<number> {
  // The system policy and the agents' identities of octant.yaml hold here too (services.agents).
  const settings = await agentsSettings(paths);
  const ledger = await openLedger(paths);
  const vault = {
    async issueToken(agent: string, grants: readonly string[]): Promise<string> {
      if (grants.length > 0) {
        throw new OctantError('E_VAULT_UNAVAILABLE', `${agent}: credentials ${grants.join(', ')} need the vault of a running system`, { exit: EXIT.unavailable, hint: "boot the system ('octant up') and start the agent without --foreground" });
      }
      return randomBytes(32).toString('base64url');
    },
    revokeAgent: async () => 0,
  };
  const manager = composeLifecycle({ paths, ledger, vault, gvisorRoles: settings.gvisorRoles, acceptUnenforcedLimits: settings.acceptUnenforcedLimits, identities: settings });
  const stop = (): void => {
    for (const r of manager.list()) {
      if (r.state === 'running' || r.state === 'suspended') manager.terminate(r.aid, 'operator interrupt').catch(() => {});
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const record = await manager.start({ signed, command, isolation, acceptUnenforcedLimits });
    if (json) writeJson(io.stdout, record);
    else writeLine(io.stderr, `agent ${record.aid} running (pid ${record.pid}); Ctrl-C stops it`);
    const final = await manager.waitForEnd(record.aid);
    if (!json) writeLine(io.stderr, `agent ${final.aid} ${final.state}: ${final.reason ?? ''}`);
    return final.exit?.code ?? (final.exit?.signal ? EXIT.failure : EXIT.ok);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await manager.close();
    await ledger.close();
  }
}

/** Agents are recorded here (list, inspect and logs read the records with or without a running system). */
function dirOf(ctx: CommandContext): string {
  return agentsDir(ctx.paths());
}

/** suspend, resume and stop: a transition of the running system, checked here first. */
function transition(name: 'suspend' | 'resume' | 'stop', summary: string): Action {
  return {
    name,
    summary,
    synopsis: [name === 'stop' ? 'AID [--reason TEXT]' : 'AID'],
    options: name === 'stop' ? { reason: { type: 'string', value: 'TEXT', help: 'why (recorded in the ledger)' } } : {},
    async run(parsed: Parsed, ctx) {
      const dir = dirOf(ctx);
      const aid = resolveAid(dir, requirePositional(parsed, 0, 'AID', `agent ${name}`));
      // Unknown agents and impossible transitions fail here, before asking the system.
      nextState(readRecord(dir, aid).state, name === 'stop' ? 'terminate' : name, aid);
      const agents = admin(ctx.paths(), 'agents');
      const record = name === 'stop' ? await agents.call(AGENTS_API.stop, { aid, reason: stringFlag(parsed, 'reason') }) : await agents.call(AGENTS_API[name], { aid });
      writeLine(ctx.io.stdout, `${record.aid} ${record.state}`);
      return EXIT.ok;
    },
  };
}

const SUBCOMMANDS: readonly Action[] = [
  {
    name: 'start',
    summary: 'validate the signed manifest and run COMMAND in its sandbox',
    synopsis: ['MANIFEST [--foreground] [--parent AID] [--isolation TIER] [--accept-unenforced-limits] [--json] -- COMMAND [ARG...]'],
    options: {
      foreground: { type: 'boolean', help: 'run the lifecycle manager in this process until the agent ends (no system needed; no vault)' },
      parent: { type: 'string', value: 'AID', help: 'start it as a child of this running agent' },
      isolation: { type: 'string', value: 'TIER', help: 'namespaces or gvisor: raise the tier, never lower it' },
      'accept-unenforced-limits': { type: 'boolean', help: 'run even where no cgroup can hold its memory, pids and cpu limits (recorded in the ledger)' },
      json: { type: 'boolean', help: "print the agent's record as JSON" },
    },
    async run(parsed, ctx) {
      const { io } = ctx;
      const paths = ctx.paths();
      const isolation = isolationFlag(parsed, 'agent start');
      const file = resolve(io.cwd, requirePositional(parsed, 0, 'MANIFEST', 'agent start'));
      if (parsed.rest.length === 0) throw usageError('agent start: missing the command to run after --', 'octant agent start MANIFEST -- COMMAND [ARG...]');
      if (!existsSync(file)) throw new OctantError('E_MANIFEST_READ', `${file}: no such file`, { exit: EXIT.unavailable });
      const text = readFileSync(file, 'utf8');
      const json = boolFlag(parsed, 'json');
      if (boolFlag(parsed, 'foreground')) {
        if (stringFlag(parsed, 'parent') !== undefined) throw usageError('agent start: --parent needs the running system (children are spawned by a live agent)');
        return startForeground(paths, io, loadSignedManifest({ text, origin: file }), parsed.rest, json, isolation, boolFlag(parsed, 'accept-unenforced-limits'));
      }
      const record = await admin(paths, 'agents').call(AGENTS_API.start, { manifest: text, origin: file, command: parsed.rest, parent: stringFlag(parsed, 'parent'), isolation, acceptUnenforcedLimits: boolFlag(parsed, 'accept-unenforced-limits') || undefined });
      if (json) writeJson(io.stdout, record);
      else writeLine(io.stdout, record.aid);
      return EXIT.ok;
    },
  },
  {
    name: 'list',
    summary: 'every agent with its state',
    options: {
      state: { type: 'string', value: 'STATE', help: `only agents in this state (${STATES.join(', ')})` },
      json: { type: 'boolean', help: 'print the records as JSON' },
    },
    positionals: false,
    async run(parsed, ctx) {
      const { io } = ctx;
      const state = stringFlag(parsed, 'state');
      if (state !== undefined && !(STATES as readonly string[]).includes(state)) throw usageError(`agent list: --state expects one of ${STATES.join(', ')}, got '${state}'`);
      const records = listRecords(dirOf(ctx)).filter((r) => state === undefined || r.state === state);
      if (boolFlag(parsed, 'json')) writeJson(io.stdout, records);
      else {
        writeLine(io.stdout, `${'AID'.padEnd(30)}  ${'STATE'.padEnd(11)}  ${'NAME'.padEnd(20)}  CREATED`);
        for (const r of records) writeLine(io.stdout, `${safeField(r.aid).padEnd(30)}  ${r.state.padEnd(11)}  ${safeField(r.name || '-').padEnd(20)}  ${r.createdAt}`);
      }
      return EXIT.ok;
    },
  },
  {
    name: 'inspect',
    summary: "an agent's record: state, manifest hash, lineage, times, exit",
    synopsis: ['AID [--json]'],
    options: { json: { type: 'boolean', help: 'print the record as JSON' } },
    async run(parsed, ctx) {
      const dir = dirOf(ctx);
      const record = readRecord(dir, resolveAid(dir, requirePositional(parsed, 0, 'AID', 'agent inspect')));
      if (boolFlag(parsed, 'json')) writeJson(ctx.io.stdout, record);
      else printRecord(ctx.io, record);
      return EXIT.ok;
    },
  },
  transition('suspend', 'freeze a running agent'),
  transition('resume', 'thaw a suspended agent'),
  transition('stop', 'run the termination sequence and archive the agent'),
  {
    name: 'logs',
    summary: "print what the agent wrote to stdout (or stderr), or the built-in loop's transcript",
    synopsis: ['AID [--stderr | --transcript] [--raw | -f]'],
    options: {
      stderr: { type: 'boolean', help: 'what it wrote to stderr' },
      transcript: { type: 'boolean', help: "the built-in loop's transcript: task, model turns, tool calls and results" },
      raw: { type: 'boolean', help: 'the bytes as written (control characters are escaped otherwise)' },
      follow: { type: 'boolean', short: 'f', help: 'then follow what it writes until it ends (or Ctrl-C)' },
    },
    async run(parsed, ctx) {
      const { io } = ctx;
      const dir = dirOf(ctx);
      const aid = resolveAid(dir, requirePositional(parsed, 0, 'AID', 'agent logs'));
      readRecord(dir, aid);
      if (boolFlag(parsed, 'stderr') && boolFlag(parsed, 'transcript')) throw usageError('agent logs: --stderr and --transcript exclude each other');
      // The transcript: the built-in loop's conversation and tool results, as the gateway recorded them (redacted).
      const file = join(agentDir(dir, aid), boolFlag(parsed, 'transcript') ? 'transcript.jsonl' : boolFlag(parsed, 'stderr') ? 'stderr.log' : 'stdout.log');
      if (boolFlag(parsed, 'follow')) {
        if (boolFlag(parsed, 'raw')) throw usageError('agent logs: -f prints escaped text; --raw goes without it');
        // Until the agent has ended (its record says so) or Ctrl-C; what it wrote so far is printed first.
        await followAgentLog(file, (text) => io.stdout.write(text), () => removable(readRecord(dir, aid)));
        return EXIT.ok;
      }
      if (!existsSync(file)) return EXIT.ok;
      // The agent wrote these bytes: on a terminal they could move the cursor,
      // retitle the window or fake lines. Escaped unless --raw asks for the bytes.
      if (boolFlag(parsed, 'raw')) io.stdout.write(readFileSync(file));
      else {
        const safe = safeLines(readFileSync(file, 'utf8'));
        io.stdout.write(safe.text);
        if (safe.escaped > 0) writeLine(io.stderr, `agent logs: ${safe.escaped} control character(s) escaped as \\xNN or \\uNNNN; --raw prints the bytes as written`);
      }
      return EXIT.ok;
    },
  },
  {
    name: 'files',
    summary: "list an archived agent's retained files, print one (escaped) or copy them; links it left are never followed",
    synopsis: ['AID [PATH] [--out DIR] [--json]'],
    options: {
      out: { type: 'string', value: 'DIR', help: 'copy PATH (a file or a directory) into DIR as written; new files only' },
      json: { type: 'boolean', help: 'list as JSON' },
    },
    run: (parsed, ctx) => agentFiles(parsed, dirOf(ctx), ctx.io),
  },
  {
    name: 'rm',
    summary: "remove an archived or rejected agent's record and retained files (recorded in the ledger first)",
    synopsis: ['AID'],
    options: {},
    async run(parsed, ctx) {
      const dir = dirOf(ctx);
      const removed = await removeAgent(dir, resolveAid(dir, requirePositional(parsed, 0, 'AID', 'agent rm')), (event) => recordEvent(ctx.paths(), event));
      writeLine(ctx.io.stdout, `removed ${removed.aid}`);
      return EXIT.ok;
    },
  },
  {
    name: 'prune',
    summary: 'remove every archived or rejected agent (as agent rm does)',
    options: {},
    positionals: false,
    async run(_parsed, ctx) {
      const removed = await pruneAgents(dirOf(ctx), (event) => recordEvent(ctx.paths(), event));
      for (const r of removed) writeLine(ctx.io.stdout, `removed ${r.aid}`);
      writeLine(ctx.io.stderr, `${removed.length} agent(s) removed`);
      return EXIT.ok;
    },
  },
];

export const command: Command = {
  name: 'agent',
  summary: 'start, list, inspect, suspend, resume, stop, remove agents; read their logs and retained files',
  subcommands: SUBCOMMANDS,
  notes: 'AID may be any unique start of an agent id (as docker takes ids).',
};
