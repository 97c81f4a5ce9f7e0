// The references made from the code (docs/config.md, docs/errors.md,
// docs/tools.md) must equal what scripts/gen-docs.ts generates now: a code,
// a config key or a tool argument added without regenerating fails here,
// naming the command that fixes it. The scanner behind docs/errors.md is
// tested on its own sources too, so the catalogue cannot miss a kind of site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staleDocs } from '../scripts/gen-docs.ts';
import { productSources, scanErrorCodes } from '../scripts/docs/error-scan.ts';
import { catalogueProblems } from '../scripts/docs/error-catalogue.ts';

test('the committed generated docs equal what the code generates', () => {
  assert.deepEqual(staleDocs(), [], 'stale generated docs: regenerate with `node scripts/gen-docs.ts` and commit them');
});

test('the scanner finds codes given to OctantError, to helpers, in conditionals and in reply bodies, with exit and hint', () => {
  const repo = mkdtempSync(join(tmpdir(), 'octant-scan-'));
  try {
    mkdirSync(join(repo, 'src', 'lib'), { recursive: true });
    writeFileSync(join(repo, 'src', 'lib', 'errors.ts'), [
      "export const EXIT = { ok: 0, failure: 1, usage: 2, unavailable: 3, denied: 4, interrupted: 130 } as const;",
      "export class OctantError extends Error { constructor(readonly code: string, message: string, readonly options: { exit?: number; hint?: string } = {}) { super(message); } }",
    ].join('\n'));
    writeFileSync(join(repo, 'src', 'thing.ts'), [
      "import { EXIT, OctantError } from './lib/errors.ts';",
      "const refuse = (code: string, message: string) => new OctantError(code, message, { exit: EXIT.denied });",
      "export function a(x: boolean, n: number): OctantError[] {",
      "  return [",
      "    new OctantError('E_SCAN_DIRECT', `thing ${n} is broken`, { exit: EXIT.unavailable, hint: 'fix the thing' }),",
      "    refuse('E_SCAN_HELPER', 'not allowed'),",
      "    new OctantError(x ? 'E_SCAN_LEFT' : 'E_SCAN_RIGHT', 'one of two'),",
      "    new OctantError('E_SCAN_COMPUTED', String(n)),",
      "  ];",
      "}",
      "export const reply = { code: 'E_SCAN_REPLY', message: 'sent to an agent' };",
      "export const compared = (e: OctantError) => e.code === 'E_SCAN_ONLY_COMPARED';",
    ].join('\n'));
    writeFileSync(join(repo, 'src', 'thing.test.ts'), "export const x = 'E_SCAN_IN_A_TEST';\n");
    const files = productSources(join(repo, 'src'));
    assert.deepEqual(files.map((f) => f.slice(repo.length)), ['/src/lib/errors.ts', '/src/thing.ts']);
    const codes = new Map(scanErrorCodes(repo, files).map((c) => [c.code, c.sites]));
    assert.deepEqual([...codes.keys()], ['E_SCAN_COMPUTED', 'E_SCAN_DIRECT', 'E_SCAN_HELPER', 'E_SCAN_LEFT', 'E_SCAN_ONLY_COMPARED', 'E_SCAN_REPLY', 'E_SCAN_RIGHT']);
    assert.deepEqual(codes.get('E_SCAN_DIRECT')![0], { file: 'src/thing.ts', line: 5, kind: 'created', message: 'thing … is broken', exit: 3, hint: 'fix the thing' });
    assert.equal(codes.get('E_SCAN_HELPER')![0]!.exit, 4);
    assert.equal(codes.get('E_SCAN_HELPER')![0]!.message, 'not allowed');
    assert.equal(codes.get('E_SCAN_RIGHT')![0]!.exit, 1);
    assert.equal(codes.get('E_SCAN_REPLY')![0]!.message, 'sent to an agent');
    assert.equal(codes.get('E_SCAN_ONLY_COMPARED')![0]!.kind, 'referenced');
    // A code whose message is computed needs a written meaning, or the catalogue refuses to render.
    const problems = catalogueProblems(scanErrorCodes(repo, files));
    assert.ok(problems.some((p) => p.startsWith('E_SCAN_COMPUTED ')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('E_SCAN_ONLY_COMPARED ')), problems.join('\n'));
    assert.ok(!problems.some((p) => p.startsWith('E_SCAN_DIRECT ')));
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
