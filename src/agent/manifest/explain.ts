// A manifest in plain language: what this agent can do and, as plainly,
// what it cannot. For operators reviewing a manifest before signing it.

import type { Destination } from './destination.ts';
import { childrenOf, isolationOf, retainOf, type Manifest } from './schema.ts';
import { groupsCovered, syscallGroups } from './syscall-groups.ts';
import { settleIsolation } from './isolation-tier.ts';
import { memoryLines } from './memory-explain.ts';
import { formatBytes, formatDuration } from './units.ts';
import { explainSearch } from './search-grant.ts';

function destination(d: Destination): string {
  const host = d.host === '*' ? 'any host' : d.host.startsWith('*.') ? `any host under ${d.host.slice(2)}` : d.host.includes('/') ? `addresses in ${d.host}` : d.host;
  const ports = d.ports[0] === d.ports[1] ? `port ${d.ports[0]}` : `ports ${d.ports[0]}-${d.ports[1]}`;
  return `${host}, ${ports}, over ${d.protocol.toUpperCase()}${d.protocol === 'tcp' ? ' (HTTP and HTTPS included)' : ''}`;
}

function syscallSummary(names: readonly string[]): string {
  const groups = groupsCovered(names);
  const inGroups = new Set(groups.flatMap((g) => syscallGroups().get(g) ?? []));
  const extra = names.filter((n) => !inGroups.has(n));
  const parts = [groups.length > 0 ? `groups ${groups.join(', ')}` : '', extra.length > 0 ? `also ${extra.join(', ')}` : ''].filter(Boolean);
  return `make ${names.length} kinds of system call (${parts.join('; ')})`;
}

function list(label: string, items: readonly string[]): string {
  return `${label}: ${items.join(', ')}`;
}

/** The manifest's own rules of the vote (governance.quorum), stricter than the system policy only. */
function quorumRules(quorum: Manifest['governance']['quorum']): string[] {
  if (quorum === undefined) return [];
  return ['Rules of the vote it asks for (the system policy can only be made stricter by them):', ...Object.entries(quorum).map(([action, rule]) => {
    const parts = [
      rule.threshold === undefined ? '' : `${rule.threshold} threshold`,
      rule.quorum === undefined ? '' : `at least ${rule.quorum} counted ballots`,
      rule.veto === undefined ? '' : `a reject at risk ${rule.veto} or more vetoes`,
      rule.escalateRisk === undefined ? '' : `an operator decides from risk ${rule.escalateRisk}`,
      rule.debate === undefined ? '' : `up to ${rule.debate} debate round(s)`,
    ].filter(Boolean);
    return `  - ${action === '*' ? 'every action' : action}: ${parts.join(', ')}`;
  })];
}

/** What a wrapped program (octant run M -- COMMAND) loses or waits for, by agent/lifecycle/wrapped-governance.ts. */
function wrappedGating(critical: readonly string[]): string[] {
  const is = (action: string): boolean => critical.includes('*') || critical.includes(action);
  const lines: string[] = [];
  if (is('fs.read')) lines.push('as a wrapped program: none of its granted paths is mounted; it reads only through the gated gateway tools');
  else if (is('fs.write') || is('fs.delete')) lines.push('as a wrapped program: its granted paths and scratch directory are read-only; it writes only through the gated gateway tools');
  if (is('net.request')) lines.push('as a wrapped program: each connection it opens waits for an approval');
  if (is('exec')) lines.push('as a wrapped program: its start waits for an approval, and it may be started only if processes.exec grants no other program');
  return lines;
}

export interface ExplainOptions {
  /** The system policy (octant.yaml services.agents.gvisorRoles), to say which tier the agent gets here. */
  gvisorRoles?: readonly string[];
}

export function explain(m: Manifest, options: ExplainOptions = {}): string {
  const can: string[] = [];
  const cannot: string[] = [];
  const fs = m.filesystem;
  if (fs.read.length > 0) can.push(list('read files under', fs.read));
  if (fs.write.length > 0) can.push(list('create, change and delete files under (and read them)', fs.write));
  cannot.push(fs.read.length + fs.write.length === 0 ? 'see any file of the host: its filesystem view holds only its own private /tmp' : 'see any other file: paths not listed do not exist in its view');
  if (fs.write.length === 0) cannot.push('write any file outside its private /tmp');
  // Who it is on the host: lifecycle/agent-users.ts, docs/isolation.md "The agent's uid".
  cannot.push('act as the host\'s root: it runs as its own unprivileged uid (one per running agent, from services.agents.uids, default 200000-265535) in the shared agents group, so ordinary file permissions still apply inside what it is granted');
  if (m.network.destinations.length > 0) for (const d of m.network.destinations) can.push(`connect to ${destination(d)}`);
  cannot.push(m.network.destinations.length === 0 ? 'use the network at all' : 'reach any other host, port or protocol');
  if (m.syscalls.length > 0) can.push(syscallSummary(m.syscalls));
  cannot.push(m.syscalls.length === 0 ? 'make any system call (it could not start)' : 'make any other system call; the permanently denied ones (kernel modules, ptrace, mount, bpf...) never');
  if (m.processes.exec.length > 0) can.push(list('run the programs', m.processes.exec));
  else cannot.push('run any program');
  if (m.credentials.length > 0) can.push(list('use the vault credentials (never seeing their values)', m.credentials));
  else cannot.push('use any credential');
  if (m.skills.length > 0) can.push(list('run the skills', m.skills));
  else cannot.push('run any skill');
  const search = explainSearch(m.search);
  can.push(...search.can);
  cannot.push(...search.cannot);
  const s = m.spawning;
  if (s.allowed) can.push(`spawn child agents (each with at most its own permissions): ${s.maxDepth} generation(s) deep, ${s.maxDescendants} descendant(s) at once`);
  else cannot.push('spawn child agents');
  const r = m.resources;
  const limits = `use at most ${r.cpu} CPU core(s), ${formatBytes(r.memory)} of memory, ${r.pids} processes and threads, ${formatBytes(r.ioBandwidth)}/s of disk I/O and ${formatBytes(r.networkThroughput)}/s of network traffic`;
  const life = m.lifetime.ttl === 'unlimited'
    ? 'live without a time limit (only with an operator approval)'
    : `live for ${formatDuration(m.lifetime.ttl)}, then be ${m.lifetime.onExpiry === 'terminate' ? 'killed' : 'asked to stop and killed after a grace period'}`;
  const children = childrenOf(m);
  const fate = children.policy === 'terminate'
    ? 'when it ends, its child agents are terminated with it'
    : children.policy === 'wind-down'
      ? `when it ends, its child agents get ${formatDuration(children.graceSeconds)} to finish, then are terminated`
      : 'when it ends, its child agents are adopted by the system and run on to their own time limits';
  const retain = retainOf(m);
  if (retain.length > 0) can.push(list('keep, after it ends, from its scratch directory', retain));
  else cannot.push('keep any file of its scratch directory after it ends (the directory is deleted)');
  memoryLines(m, can, cannot);
  const critical = m.governance.critical;
  const approval = critical.length === 0 ? 'none of its actions' : critical.includes('*') ? 'every action' : critical.join(', ');
  const who = `Agent ${m.identity.name}${m.identity.role ? ` (role ${m.identity.role})` : ''}, operated by ${m.identity.operator}.`;
  // The manifest gives the least tier, the system policy may raise it (and `octant run --isolation gvisor`).
  const gvisor = isolationOf(settleIsolation(m, m, { gvisorRoles: options.gvisorRoles })) === 'gvisor';
  const tier = gvisor
    ? `the gVisor tier (its system calls are served by a user-space kernel, not the host's)${isolationOf(m) === 'gvisor' ? '' : ', by the system policy'}`
    : 'the namespaces tier (bubblewrap, seccomp and a cgroup on the host kernel), or gVisor if the operator asks';
  const isolation = `Isolation: ${tier}; it runs as an unprivileged user of its own, never as host root.`;
  return [
    who,
    ...(m.identity.description ? [m.identity.description] : []),
    isolation,
    '',
    'It can:',
    ...can.map((line) => `  - ${line}`),
    '',
    'It cannot:',
    ...cannot.map((line) => `  - ${line}`),
    '',
    'Limits:',
    `  - ${limits}`,
    `  - ${life}`,
    ...(s.allowed || children.policy !== 'terminate' ? [`  - ${fate}`] : []),
    '',
    `A vote of the quorum's panel, then an operator for what it escalates, is needed before: ${approval}.`,
    ...wrappedGating(critical).map((line) => `  - ${line}`),
    ...quorumRules(m.governance.quorum),
  ].join('\n');
}

