// octant manifest: write, check, sign and read capability manifests
// (docs/manifests.md). Every subcommand is a thin shell over agent/manifest.
// validate, sign and verify record each rejection in the ledger before they
// report it (log first, act second): through the running system's admin
// socket when one runs, else directly (recordEvent).

import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { boolFlag, requirePositional, stringFlag } from '../../lib/args.ts';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { EXIT, OctantError, isOctantError, messageOf, usageError } from '../../lib/errors.ts';
import { writeJson, type Io } from '../../lib/io.ts';
import type { Paths } from '../../runtime/paths.ts';
import { OPERATOR_AGENT, recordEvent } from '../../services/ledger/api.ts';
import {
  diffManifests, explain, formatChanges, intersect, loadEither, loadManifest, loadPrivateKey, loadRoles, loadSignedManifest, loadTrustStore,
  manifestDigest, signApproval, signManifest, verifyManifest, type Manifest,
} from '../../agent/manifest/index.ts';
import { checkDenyList, checkRole } from '../../agent/manifest/validate.ts';
import { checkGrants, hostProtection } from '../../agent/manifest/dangerous-grants.ts';
import { launcherWarnings } from '../../agent/manifest/launcher-needs.ts';
import { scaffoldManifest } from '../../agent/manifest/scaffold.ts';
import { isTemplateKind, manifestTemplate, TEMPLATE_KINDS } from '../../agent/manifest/templates.ts';
import { cannotStart, startupProblems } from '../../agent/manifest/startup-checks.ts';
import type { Action, Command, CommandContext } from './command.ts';
import { gvisorRolesPolicy } from './isolation-flag.ts';

/** What counts as a manifest rejection (recorded); other failures (a missing file, a bad flag) are not. */
const REJECTIONS: ReadonlySet<string> = new Set([
  'E_MANIFEST_SCHEMA', 'E_MANIFEST_SIGNATURE', 'E_MANIFEST_ROLE', 'E_MANIFEST_DENY_LIST',
  'E_MANIFEST_GRANT_ROOT', 'E_MANIFEST_GRANT_PROC', 'E_MANIFEST_GRANT_SYS', 'E_MANIFEST_GRANT_DEV', 'E_MANIFEST_GRANT_STATE', 'E_MANIFEST_GRANT_PROGRAM',
]);

/** The checks validate and sign run on this host: deny list (rule 7), role (rule 3), refused grants (rule 10). */
function checkLocally(manifest: Manifest, paths: Paths): void {
  checkDenyList(manifest);
  checkRole(manifest, loadRoles());
  checkGrants(manifest, hostProtection(paths));
}

/**
 * Run `check`; if it rejects the manifest, append the rejection to the ledger
 * and only then rethrow it. A rejection that cannot be recorded fails with
 * E_MANIFEST_LEDGER (exit 3), naming both, as validateManifest does.
 */
async function recordingRejection<T>(action: string, file: string, { paths }: CommandContext, check: () => T): Promise<T> {
  try {
    return check();
  } catch (error) {
    if (!isOctantError(error) || !REJECTIONS.has(error.code)) throw error;
    try {
      await recordEvent(paths(), {
        agent: OPERATOR_AGENT, lineage: [], kind: 'manifest', action, target: file, decision: 'deny',
        detail: { code: error.code, message: error.message, ...error.detail },
      });
    } catch (ledgerError) {
      throw new OctantError('E_MANIFEST_LEDGER', `rejection ${error.code} (${error.message}) could not be recorded: ${messageOf(ledgerError)}`, {
        cause: error, exit: EXIT.unavailable, hint: isOctantError(ledgerError) ? ledgerError.hint : undefined,
      });
    }
    throw error;
  }
}

function at(io: Io, file: string): string {
  return resolve(io.cwd, file);
}

/** Write to --out atomically (temp file, then rename), or to stdout. */
function emit(io: Io, out: string | undefined, text: string, mode = 0o644): void {
  if (out === undefined) { io.stdout.write(text); return; }
  const path = at(io, out);
  writeFileAtomic(path, text, { mode });
  io.stderr.write(`wrote ${path}\n`);
}

function toYaml(m: Manifest): string {
  return stringify(m, { lineWidth: 0 });
}

const json = { type: 'boolean', help: 'print the result as JSON' } as const;
const out = { type: 'string', value: 'FILE', help: 'write to FILE (atomically) instead of stdout' } as const;
const signingKey = { type: 'string', value: 'KEY', help: 'an operator private key (required; octant keys generate)' } as const;

const SUBCOMMANDS: readonly Action[] = [
  {
    name: 'new',
    summary: 'scaffold a deny-all manifest (YAML), or with --for one that runs as written',
    options: {
      name: { type: 'string', value: 'N', help: 'the agent\'s name (default my-agent)' },
      operator: { type: 'string', value: 'O', help: 'the operator it runs for (default $USER)' },
      role: { type: 'string', value: 'R', help: 'its role (sets the ceiling of what it may be granted)' },
      for: { type: 'string', value: 'KIND', help: 'loop, python, node or shell: a manifest that runs the built-in loop or that wrapped program as written' },
      credential: { type: 'string', value: 'GRANT', help: 'with --for: a vault grant the agent may use (the provider\'s key)' },
      program: { type: 'string', value: 'PATH', help: 'with --for python|node|shell: the program file it runs (granted read-only)' },
      out,
    },
    notes: 'With --for, the first lines say how to sign and run it (docs/manifests.md "Templates that run as written").',
    async run(p, { io }) {
      const options = { name: stringFlag(p, 'name') ?? 'my-agent', operator: stringFlag(p, 'operator') ?? io.env.USER ?? 'operator', role: stringFlag(p, 'role') };
      const kind = stringFlag(p, 'for');
      if (kind === undefined && (stringFlag(p, 'credential') ?? stringFlag(p, 'program')) !== undefined) throw usageError('manifest new: --credential and --program go with --for loop|python|node|shell');
      if (kind !== undefined && !isTemplateKind(kind)) throw usageError(`manifest new: --for expects one of ${TEMPLATE_KINDS.join(', ')} (got ${JSON.stringify(kind)})`);
      if (kind === 'loop' && stringFlag(p, 'program') !== undefined) throw usageError('manifest new: --program is for a wrapped program (--for python|node|shell); the loop runs none');
      const text = kind === undefined ? scaffoldManifest(options) : manifestTemplate(kind, { ...options, credential: stringFlag(p, 'credential'), program: stringFlag(p, 'program') });
      loadManifest({ text, origin: '--name/--operator/--role/--credential/--program' }); // refuse flags that would make an invalid manifest
      emit(io, stringFlag(p, 'out'), text);
      return EXIT.ok;
    },
  },
  {
    name: 'validate',
    summary: 'check schema, deny list, role and refused grants; the signature too if FILE is signed',
    synopsis: ['FILE [--json]', 'FILE --for loop [--json]', 'FILE [--json] -- COMMAND [ARG...]'],
    options: { json, for: { type: 'string', value: 'loop', help: 'check that the built-in loop can start under it (refused otherwise)' } },
    notes: [
      "Warns (stderr, exit 0) when octant's own programs inside the sandbox would lack a syscall group,",
      'or a program processes.exec grants is missing here. With --for loop, or a wrapped COMMAND after --,',
      'what would keep that agent from starting is refused instead (E_MANIFEST_CANNOT_START, exit 1),',
      'naming the group or grant to add: the program must be granted, an interpreter\'s program file readable.',
    ].join('\n'),
    async run(p, ctx) {
      const { io } = ctx;
      const file = at(io, requirePositional(p, 0, 'FILE', 'manifest validate'));
      const forLoop = stringFlag(p, 'for');
      if (forLoop !== undefined && forLoop !== 'loop') throw usageError('manifest validate: --for takes only "loop"; for a wrapped program give its command after --: manifest validate FILE -- python3 /path/agent.py');
      if (forLoop !== undefined && p.rest.length > 0) throw usageError('manifest validate: give either --for loop or -- COMMAND, not both');
      const paths = ctx.paths();
      const { manifest, signer } = await recordingRejection('validate', file, ctx, () => {
        const { manifest, signed } = loadEither({ path: file });
        checkLocally(manifest, paths);
        return { manifest, signer: signed === undefined ? undefined : verifyManifest(signed, loadTrustStore(paths)) };
      });
      const warnings = launcherWarnings(manifest);
      // For a named program (or the loop), what would keep it from starting is a refusal.
      const strict = forLoop !== undefined || p.rest.length > 0;
      const problems = startupProblems(manifest, p.rest.length > 0 ? p.rest : undefined, p.rest.length > 0 ? 'wrapped' : forLoop === 'loop' ? 'loop' : undefined);
      if (strict && problems.length > 0) throw cannotStart(manifest.identity.name, problems);
      const result = { valid: true, name: manifest.identity.name, digest: manifestDigest(manifest), signer: signer ?? null, warnings, problems };
      if (boolFlag(p, 'json')) writeJson(io.stdout, result);
      else {
        io.stdout.write(`valid: ${manifest.identity.name} (schema, deny list, role, grants${signer ? `, signature by ${signer}` : '; unsigned'}${strict ? `; ${p.rest.length > 0 ? 'the command' : 'the built-in loop'} can start` : ''})\n`);
        for (const w of problems) io.stderr.write(`warning: ${w.message}\n`);
      }
      return EXIT.ok;
    },
  },
  {
    name: 'sign',
    summary: 'sign with an operator private key (writes the signed JSON)',
    synopsis: ['FILE --key KEY [--out FILE]'],
    options: { key: signingKey, out },
    async run(p, ctx) {
      const { io } = ctx;
      const file = at(io, requirePositional(p, 0, 'FILE', 'manifest sign'));
      const key = stringFlag(p, 'key');
      if (key === undefined) throw usageError('manifest sign: --key KEY is required (an operator private key)', "make one with 'octant keys generate'");
      const manifest = await recordingRejection('sign', file, ctx, () => {
        const m = loadManifest({ path: file });
        checkLocally(m, ctx.paths());
        return m;
      });
      emit(io, stringFlag(p, 'out'), `${JSON.stringify(signManifest(manifest, loadPrivateKey(at(io, key))), null, 2)}\n`);
      return EXIT.ok;
    },
  },
  {
    name: 'verify',
    summary: 'check a signed manifest against the trusted key set',
    synopsis: ['FILE [--json]'],
    options: { json },
    async run(p, ctx) {
      const { io } = ctx;
      const file = at(io, requirePositional(p, 0, 'FILE', 'manifest verify'));
      const trust = loadTrustStore(ctx.paths());
      const { signed, keyId } = await recordingRejection('verify', file, ctx, () => {
        const signed = loadSignedManifest({ path: file });
        return { signed, keyId: verifyManifest(signed, trust) };
      });
      const name = trust.keys.find((k) => k.keyId === keyId)?.name;
      if (boolFlag(p, 'json')) writeJson(io.stdout, { verified: true, name: signed.manifest.identity.name, keyId, signer: name, digest: manifestDigest(signed.manifest) });
      else io.stdout.write(`verified: ${signed.manifest.identity.name} signed by ${keyId}${name ? ` (${name})` : ''}\n`);
      return EXIT.ok;
    },
  },
  {
    name: 'explain',
    summary: 'what the agent can and cannot do, in plain language',
    synopsis: ['FILE'],
    options: {},
    async run(p, { io, paths }) {
      const manifest = loadManifest({ path: at(io, requirePositional(p, 0, 'FILE', 'manifest explain')) });
      io.stdout.write(`${explain(manifest, { gvisorRoles: await gvisorRolesPolicy(paths()) })}\n`);
      return EXIT.ok;
    },
  },
  {
    name: 'diff',
    summary: 'what changed from A to B (exit 1 when they differ, as diff(1))',
    synopsis: ['A B [--json]'],
    options: { json },
    async run(p, { io }) {
      const a = loadManifest({ path: at(io, requirePositional(p, 0, 'A', 'manifest diff')) });
      const b = loadManifest({ path: at(io, requirePositional(p, 1, 'B', 'manifest diff')) });
      const changes = diffManifests(a, b);
      if (boolFlag(p, 'json')) writeJson(io.stdout, changes);
      else io.stdout.write(changes.length === 0 ? 'no differences\n' : `${formatChanges(changes)}\n`);
      // Like diff(1): 1 when they differ.
      return changes.length === 0 ? EXIT.ok : EXIT.failure;
    },
  },
  {
    name: 'intersect',
    summary: 'the effective manifest of CHILD spawned by PARENT',
    synopsis: ['PARENT CHILD [--json] [--out FILE]'],
    options: { json: { type: 'boolean', help: 'write JSON instead of YAML' }, out },
    async run(p, { io }) {
      const parent = loadManifest({ path: at(io, requirePositional(p, 0, 'PARENT', 'manifest intersect')) });
      const child = loadManifest({ path: at(io, requirePositional(p, 1, 'CHILD', 'manifest intersect')) });
      const effective = intersect(parent, child);
      emit(io, stringFlag(p, 'out'), boolFlag(p, 'json') ? `${JSON.stringify(effective, null, 2)}\n` : toYaml(effective));
      return EXIT.ok;
    },
  },
  {
    name: 'approve',
    summary: 'approve the unlimited lifetime of a signed manifest',
    synopsis: ['FILE --key KEY [--out FILE]'],
    options: { key: signingKey, out },
    async run(p, { io }) {
      const signed = loadSignedManifest({ path: at(io, requirePositional(p, 0, 'FILE', 'manifest approve')) });
      const key = stringFlag(p, 'key');
      if (key === undefined) throw usageError('manifest approve: --key KEY is required (an operator private key)');
      if (signed.manifest.lifetime.ttl !== 'unlimited') throw new OctantError('E_MANIFEST_APPROVE', `${signed.manifest.identity.name}: lifetime.ttl is not unlimited; nothing to approve`);
      emit(io, stringFlag(p, 'out'), `${JSON.stringify(signApproval(signed.manifest, 'unlimited-lifetime', loadPrivateKey(at(io, key))), null, 2)}\n`);
      return EXIT.ok;
    },
  },
];

export const command: Command = {
  name: 'manifest',
  summary: 'scaffold, validate, sign, verify, explain, diff and intersect capability manifests',
  subcommands: SUBCOMMANDS,
  notes: 'Exit: 0 ok, 1 invalid, 2 usage, 4 refused (signature, deny list, role, refused grant).',
};
