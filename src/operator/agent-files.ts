// `octant agent files AID [PATH] [--out DIR] [--json]`: the operator's view
// of an agent's retained files (retained-files.ts does the reading, beneath
// the retained directory, never through a link). Names and contents came
// from the agent: printed escaped (lib/safe-text.ts); --out writes the
// bytes as they are into new files only.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { boolFlag, requirePositional, stringFlag, type Parsed } from '../lib/args.ts';
import { EXIT, OctantError } from '../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../lib/io.ts';
import { safeField, safeLines } from '../lib/safe-text.ts';
import { agentDir, readRecord } from '../agent/lifecycle/records.ts';
import { resolveAid } from './resolve-aid.ts';
import { checkRelative, copyRetained, listRetained, readRetained, retainedType } from './retained-files.ts';

export async function agentFiles(parsed: Parsed, dir: string, io: Io): Promise<number> {
  const aid = resolveAid(dir, requirePositional(parsed, 0, 'AID', 'agent files'));
  const record = readRecord(dir, aid);
  if (record.state !== 'archived') {
    throw new OctantError('E_AGENT_FILES_STATE', `agent files: ${aid} is ${record.state}; retained files exist once an agent is archived`, { exit: EXIT.failure, hint: `octant agent stop ${aid}` });
  }
  const retained = join(agentDir(dir, aid), 'retained');
  const rel = checkRelative(parsed.positionals[1] ?? '');
  if (record.retained.length === 0 && rel === '') {
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, []);
    else writeLine(io.stderr, `agent files: ${aid} retained nothing (its manifest's retain lists the scratch paths to keep)`);
    return EXIT.ok;
  }
  const out = stringFlag(parsed, 'out');
  if (out !== undefined) {
    const target = resolve(io.cwd, out);
    const result = copyRetained(retained, rel, target, (d) => mkdirSync(d, { recursive: true, mode: 0o700 }));
    for (const file of result.copied) writeLine(io.stdout, safeField(file));
    for (const s of result.skipped) writeLine(io.stderr, `agent files: skipped ${safeField(s.path)} (${s.type}; links and special files are never copied)`);
    return EXIT.ok;
  }
  const type = rel === '' ? 'dir' : retainedType(retained, rel);
  if (type === 'dir') {
    const entries = listRetained(retained, rel);
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, entries);
    else for (const e of entries) writeLine(io.stdout, `${e.type.padEnd(7)}  ${String(e.size).padStart(10)}  ${safeField(e.path)}`);
    return EXIT.ok;
  }
  // One file to the terminal: escaped like `agent logs` (copy it with --out for the bytes).
  const decoder = new TextDecoder('utf-8');
  let escaped = 0;
  readRetained(retained, rel, (chunk) => {
    const safe = safeLines(decoder.decode(chunk, { stream: true }));
    escaped += safe.escaped;
    io.stdout.write(safe.text);
  });
  const rest = safeLines(decoder.decode());
  io.stdout.write(rest.text);
  escaped += rest.escaped;
  if (escaped > 0) writeLine(io.stderr, `agent files: ${escaped} control character(s) escaped; --out DIR copies the bytes as written`);
  return EXIT.ok;
}
