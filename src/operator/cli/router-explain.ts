// `octant router explain`: why a request goes (or went) where it does.
// - With --seq N or --last [--agent AID]: a decision recorded in the ledger,
//   with its candidates, scores, winner and reason, and the outcome record
//   that names it (deployment, attempts, usage, cost).
// - Otherwise: the decision for the request described by the flags, made by
//   the running router (its live latency, cooldowns and rate limits) or,
//   with no system running, from etc/router.yaml alone.

import { boolFlag, numberFlag, stringFlag, type Parsed } from '../../lib/args.ts';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import { writeJson, type Io } from '../../lib/io.ts';
import { admin } from '../../runtime/admin/client.ts';
import type { Paths } from '../../runtime/paths.ts';
import { FIRST_MARK, forEachEntryFrom, ledgerDir, type LedgerEntry } from '../../services/ledger/api.ts';
import { configPath, createRouter, loadConfig, ROUTER_API } from '../../services/router/api.ts';
import type { ChatRequest, Decision } from '../../services/router/api.ts';
import { Redactor } from '../../services/vault/api.ts';
import type { Action, CommandContext } from './command.ts';
import { runningOrOffline } from './running-system.ts';

export const explainAction: Action = {
  name: 'explain',
  summary: 'the candidates, scores, winner and reason for a request now, or for a decision recorded in the ledger',
  synopsis: ['[--prompt TEXT] [--model NAME] [--tools] [--image] [--json-mode] [--max-tokens N] [--json]', '--seq N | --last [--agent AID] [--json]'],
  options: {
    prompt: { type: 'string', value: 'TEXT', help: "the request's text (default hello)" },
    model: { type: 'string', value: 'NAME', help: 'the model or route asked for' },
    tools: { type: 'boolean', help: 'the request carries tools' },
    image: { type: 'boolean', help: 'the request carries an image' },
    'json-mode': { type: 'boolean', help: 'the request asks for JSON output' },
    'max-tokens': { type: 'string', value: 'N', help: 'the request asks for at most N tokens' },
    seq: { type: 'string', value: 'N', help: 'the decision recorded at ledger entry N' },
    last: { type: 'boolean', help: 'the last decision recorded' },
    agent: { type: 'string', value: 'AID', help: "with --last: this agent's last decision" },
    json: { type: 'boolean', help: 'print the decision as JSON' },
  },
  positionals: false,
  notes: 'A request is decided by the running router (its live latency, cooldowns and rate limits) or, with none running, from etc/router.yaml.',
  run: explain,
};

async function explain(parsed: Parsed, { io, paths: layout }: CommandContext): Promise<number> {
  const paths = layout();
  const seq = numberFlag(parsed, 'seq', 'router explain');
  if (seq !== undefined || boolFlag(parsed, 'last')) {
    if (seq !== undefined && (!Number.isInteger(seq) || seq < 0)) throw usageError(`router explain: --seq expects an entry number, got '${stringFlag(parsed, 'seq')}'`);
    return recorded(paths, seq, stringFlag(parsed, 'agent'), boolFlag(parsed, 'json'), io);
  }
  if (stringFlag(parsed, 'agent') !== undefined) throw usageError('router explain: --agent goes with --last');
  const text = stringFlag(parsed, 'prompt') ?? 'hello';
  const request: ChatRequest = {
    model: stringFlag(parsed, 'model') ?? '',
    messages: [{ role: 'user', content: boolFlag(parsed, 'image') ? [{ type: 'text', text }, { type: 'image', url: 'data:image/png;base64,' }] : text }],
  };
  if (boolFlag(parsed, 'tools')) request.tools = [{ name: 'tool', parameters: { type: 'object' } }];
  if (boolFlag(parsed, 'json-mode')) request.responseFormat = 'json';
  const max = numberFlag(parsed, 'max-tokens', 'router explain');
  if (max !== undefined) request.maxTokens = max;
  const { decision, source } = await decide(paths, request);
  if (boolFlag(parsed, 'json')) {
    writeJson(io.stdout, { ...decision, decidedBy: source });
    return EXIT.ok;
  }
  io.stdout.write(source === 'running router'
    ? 'decided by the running router (with its observed latency, cooldowns and rate limits)\n'
    : `decided from ${configPath(paths)} (no running router: no observed latency, cooldowns or rate limits)\n`);
  printDecision(io, decision);
  return decision.winner === undefined ? EXIT.unavailable : EXIT.ok;
}

/** The running router's decision, or one from the configuration file when none runs. */
interface Decided { decision: Decision; source: 'running router' | 'configuration' }

async function decide(paths: Paths, request: ChatRequest): Promise<Decided> {
  return runningOrOffline<Decided>(async () => ({ decision: await admin(paths, 'router').call(ROUTER_API.explain, request), source: 'running router' }), async () => {
    // A router that never calls: explain decides, it appends and sends nothing.
    const refuse = async (): Promise<never> => {
      throw new Error('explain records nothing');
    };
    const router = createRouter({ config: await loadConfig(paths), injector: { inject: async (_g, r) => r, redaction: new Redactor() }, ledger: { append: refuse, seal: refuse } });
    return { decision: router.explain(request), source: 'configuration' };
  }, ['E_ADMIN_NOT_FOUND']);
}

function printDecision(io: Io, d: Decision): void {
  io.stdout.write(`route ${d.route} (policy ${d.policy}); request: ${d.complexity}, ~${d.estimatedPromptTokens} prompt tokens\n`);
  for (const c of d.candidates) io.stdout.write(`  ${c.eligible ? `${String(c.score).padStart(7)}` : ' skipped'}  ${c.deployment.padEnd(16)} ${c.reason}\n`);
  io.stdout.write(`winner: ${d.winner ?? 'none'}; ${d.reason}\n`);
}

const isDecision = (e: LedgerEntry): boolean => e.kind === 'router' && (e.action === 'route' || e.action === 'embed');
const isOutcomeOf = (e: LedgerEntry, decision: LedgerEntry): boolean => e.kind === 'router' && e.action === 'complete' && e.detail.decisionSeq === decision.seq;

/**
 * A recorded decision (by seq, or the last one, of an agent or of any) and
 * the outcome that names it. The ledger is read a chunk at a time, in at
 * most two passes: memory stays flat however long it is.
 */
function recorded(paths: Paths, seq: number | undefined, agent: string | undefined, json: boolean, io: Io): number {
  const dir = ledgerDir(paths);
  const walk = (visit: (e: LedgerEntry) => boolean | void): void => void forEachEntryFrom(dir, FIRST_MARK, visit);
  let decision: LedgerEntry | undefined;
  let outcome: LedgerEntry | undefined;
  if (seq !== undefined) {
    let target: LedgerEntry | undefined;
    let count = 0;
    walk((e) => {
      count = e.seq + 1;
      if (e.seq !== seq) return true;
      target = e;
      return false;
    });
    if (target === undefined) throw new OctantError('E_ROUTER_EXPLAIN', `router explain: no ledger entry ${seq} (the ledger has ${count})`, { exit: EXIT.usage });
    // An outcome explains through the decision it names.
    const named = target.kind === 'router' && target.action === 'complete' && typeof target.detail.decisionSeq === 'number' ? target.detail.decisionSeq : target.seq;
    walk((e) => {
      if (decision === undefined) {
        if (e.seq === named) decision = e;
        return true;
      }
      if (!isOutcomeOf(e, decision)) return true;
      outcome = e;
      return false;
    });
    if (decision === undefined || !isDecision(decision)) throw new OctantError('E_ROUTER_EXPLAIN', `router explain: entry ${seq} is not a routing decision (kind ${target.kind}, action ${target.action})`, { exit: EXIT.usage, hint: "'octant ledger grep router' lists them" });
  } else {
    walk((e) => {
      if (isDecision(e) && (agent === undefined || e.agent === agent)) {
        decision = e;
        outcome = undefined;
      } else if (decision !== undefined && outcome === undefined && isOutcomeOf(e, decision)) {
        outcome = e;
      }
    });
    if (decision === undefined) throw new OctantError('E_ROUTER_EXPLAIN', `router explain: no routing decision in the ledger${agent === undefined ? '' : ` for agent ${agent}`}`, { exit: EXIT.usage });
  }
  return printRecorded(io, decision, outcome, json);
}

function printRecorded(io: Io, decision: LedgerEntry, outcome: LedgerEntry | undefined, json: boolean): number {
  if (json) {
    writeJson(io.stdout, { decision, outcome: outcome ?? null });
    return EXIT.ok;
  }
  io.stdout.write(`decision ${decision.seq} at ${decision.time}, agent ${decision.agent}: ${decision.decision}\n`);
  const d = decision.detail;
  if (Array.isArray(d.candidates)) printDecision(io, d as unknown as Decision);
  else io.stdout.write(`route ${decision.target}: ${JSON.stringify(d)}\n`);
  if (decision.decision !== 'allow') return EXIT.ok;
  if (outcome === undefined) {
    io.stdout.write('outcome: none recorded (still in flight, or lost in a crash: its reservation stands)\n');
    return EXIT.ok;
  }
  const o = outcome.detail;
  const usage = o.usage as { promptTokens?: number; completionTokens?: number } | undefined;
  const attempts = Array.isArray(o.attempts) ? o.attempts.length : 0;
  io.stdout.write(`outcome ${outcome.seq}: ${outcome.decision} via ${outcome.target}` +
    `${attempts > 0 ? `, ${attempts} attempt(s)` : ''}` +
    `${usage === undefined ? '' : `, ${usage.promptTokens ?? 0}+${usage.completionTokens ?? 0} tokens`}` +
    `, $${Number(o.usd ?? 0).toFixed(6)}${typeof o.error === 'string' ? `; error: ${o.error}` : ''}\n`);
  return EXIT.ok;
}
