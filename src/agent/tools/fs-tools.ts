// fs.read, fs.write, fs.list, fs.stat, fs.delete: performed by the gateway on
// the host for the agent, inside the manifest's granted paths (or its
// scratch directory). The check is lexical (fs-paths.ts); the operation
// opens the path beneath the granted root without following any symlink and
// acts on that descriptor with the agent's uid (fs-ops.ts). Reads are
// size-limited so a huge file cannot flood the model or the ledger.

import { pathWithin } from '../manifest/path-set.ts';
import type { AgentSession, Tool, ToolCheck } from './tool.ts';
import { argsError, readArgs, stringArg } from './tool-errors.ts';
import { locate, readable } from './fs-paths.ts';
import { deleteEntry, listDir, readFile, statEntry, writeFile } from './fs-ops.ts';
import type { Located } from './beneath.ts';
import { contentDigest, contentReview } from './evidence.ts';

const MAX_READ = 256 * 1024;
const MAX_WRITE = 4 * 1024 * 1024;
const MAX_LIST = 1000;

const MAX_PATH = 4096;
const PATH = { type: 'string', description: 'absolute path', maxLength: MAX_PATH };
const PATH_ONLY = { type: 'object', properties: { path: PATH }, required: ['path'], additionalProperties: false };

function pathArg(tool: string, raw: unknown): { path: string } {
  return { path: stringArg(tool, readArgs(tool, raw, ['path']), 'path', { max: MAX_PATH })! };
}

const readableAt = (tool: string) => (session: AgentSession, path: string): Located => locate(tool, path, readable(session), 'read', session);
const writableAt = (tool: string) => (session: AgentSession, path: string): Located => locate(tool, path, session.manifest.filesystem.write, 'write', session);

/** Changing a path outside the workspace is critical by system policy (an operator approves it). */
function changeCheck(session: AgentSession, located: Located, evidence: Record<string, unknown>, review?: Record<string, unknown>): ToolCheck {
  const outside = !session.workspace.some((w) => pathWithin(located.path, w));
  return { target: located.path, critical: outside ? 'writes outside the workspace (its scratch directory and first write path)' : undefined, evidence, ...(review ? { review } : {}) };
}

const readAt = readableAt('fs.read');
export const fsRead: Tool<{ path: string }> = {
  name: 'fs.read',
  action: 'fs.read',
  description: `Read a text file (at most ${MAX_READ} bytes) from a path this agent may read. Symbolic links are never followed.`,
  parameters: PATH_ONLY,
  limits: [`reads at most ${MAX_READ} bytes; a longer file is cut and marked truncated`],
  parse: (raw) => pathArg('fs.read', raw),
  check: (session, args) => ({ target: readAt(session, args.path).path }),
  perform: async (session, args) => {
    const located = readAt(session, args.path);
    return { path: located.path, ...readFile('fs.read', session, located, MAX_READ) };
  },
};

const writeAt = writableAt('fs.write');
export const fsWrite: Tool<{ path: string; content: string; append: boolean }> = {
  name: 'fs.write',
  action: 'fs.write',
  description: 'Write a text file at a path this agent may write (creates parent directories). Symbolic links are never followed.',
  parameters: {
    type: 'object',
    properties: { path: PATH, content: { type: 'string', maxLength: MAX_WRITE }, append: { type: 'boolean', default: false } },
    required: ['path', 'content'],
    additionalProperties: false,
  },
  parse: (raw) => {
    const args = readArgs('fs.write', raw, ['path', 'content', 'append']);
    const content = stringArg('fs.write', args, 'content', { max: MAX_WRITE })!;
    if (args.append !== undefined && typeof args.append !== 'boolean') throw argsError('fs.write', 'append', 'must be a boolean');
    return { path: stringArg('fs.write', args, 'path', { max: MAX_PATH })!, content, append: args.append === true };
  },
  // The approver sees the content and its digest; the ledger keeps the digest.
  check: (session, args) => changeCheck(session, writeAt(session, args.path), { ...contentDigest(args.content), append: args.append }, contentReview(args.content)),
  perform: async (session, args) => {
    const located = writeAt(session, args.path);
    writeFile('fs.write', session, located, args.content, args.append);
    return { path: located.path, bytes: Buffer.byteLength(args.content) };
  },
};

const listAt = readableAt('fs.list');
export const fsList: Tool<{ path: string }> = {
  name: 'fs.list',
  action: 'fs.read',
  description: 'List a directory this agent may read: names with their type and size.',
  parameters: PATH_ONLY,
  limits: [`lists at most ${MAX_LIST} entries; more are cut and marked truncated`],
  parse: (raw) => pathArg('fs.list', raw),
  check: (session, args) => ({ target: listAt(session, args.path).path }),
  perform: async (session, args) => {
    const located = listAt(session, args.path);
    return { path: located.path, ...listDir('fs.list', session, located, MAX_LIST) };
  },
};

const statAt = readableAt('fs.stat');
export const fsStat: Tool<{ path: string }> = {
  name: 'fs.stat',
  action: 'fs.read',
  description: 'Type, size, mode, owner and modification time of a path this agent may read. A symbolic link is reported as a link, never followed.',
  parameters: PATH_ONLY,
  parse: (raw) => pathArg('fs.stat', raw),
  check: (session, args) => ({ target: statAt(session, args.path).path }),
  perform: async (session, args) => {
    const located = statAt(session, args.path);
    return { path: located.path, ...statEntry('fs.stat', session, located) };
  },
};

const deleteAt = writableAt('fs.delete');
export const fsDelete: Tool<{ path: string }> = {
  name: 'fs.delete',
  action: 'fs.delete',
  description: 'Delete a file, a symbolic link (not its target) or an empty directory at a path this agent may write.',
  parameters: PATH_ONLY,
  parse: (raw) => pathArg('fs.delete', raw),
  check: (session, args) => changeCheck(session, deleteAt(session, args.path), {}),
  perform: async (session, args) => {
    const located = deleteAt(session, args.path);
    return { path: located.path, deleted: deleteEntry('fs.delete', session, located).type };
  },
};

/** The file tools every agent is offered (the gateway refuses what its manifest does not grant). */
export const fsTools = [fsRead, fsWrite, fsList, fsStat, fsDelete];
